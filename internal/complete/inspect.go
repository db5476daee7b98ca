package complete

import (
	"context"
	"fmt"
	"go/ast"
	"go/doc/comment"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// A target is what an inspection is about: an object, or a package.
type target struct {
	obj types.Object
	pkg *types.Package
}

// resolve finds what the query's full identifier denotes at the cursor.
func (a *analysis) resolve(q *query) (target, bool) {
	name := q.prefix
	if q.recv == "" {
		switch obj := a.lookup(name).(type) {
		case nil:
			return target{}, false
		case *types.PkgName:
			return target{pkg: obj.Imported()}, true
		default:
			return target{obj: obj}, true
		}
	}
	pkg, t, _ := a.receiver(q.recv)
	if pkg != nil {
		if obj := pkg.Scope().Lookup(name); obj != nil && obj.Exported() {
			return target{obj: obj}, true
		}
		return target{}, false
	}
	if t == nil {
		return target{}, false
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, a.pkg, name)
	if obj == nil {
		return target{}, false
	}
	return target{obj: obj}, true
}

// describe writes the declaration and documentation of t.
func (c *Completer) describe(ctx context.Context, a *analysis, t target, detail int) (Doc, bool) {
	if t.pkg != nil {
		return c.describePackage(ctx, t.pkg, detail), true
	}
	obj := t.obj
	switch {
	case obj.Pkg() == nil: // a builtin, documented by the builtin package's source
		idx := c.pk.docIndex(ctx, "builtin")
		if idx == nil {
			return render(nil, types.ObjectString(obj, nil), "", ""), true
		}
		e, ok := idx.entries[obj.Name()]
		if !ok {
			return render(nil, types.ObjectString(obj, nil), "", ""), true
		}
		return render(types.NewPackage("builtin", "builtin"), idx.declText(e), e.doc, ""), true
	case obj.Pkg() == a.pkg: // declared in the notebook
		doc, decl := a.docAt(obj.Pos())
		src := ""
		if detail > 0 && decl != nil {
			src = a.source(decl)
		}
		return render(a.pkg, declaration(obj, qualifier(a.pkg), true), doc, src), true
	default:
		doc := ""
		if idx := c.pk.docIndex(ctx, obj.Pkg().Path()); idx != nil {
			doc = idx.entries[docKey(obj)].doc
		}
		return render(obj.Pkg(), declaration(obj, qualifier(obj.Pkg()), false), doc, ""), true
	}
}

func (c *Completer) describePackage(ctx context.Context, pkg *types.Package, detail int) Doc {
	head := fmt.Sprintf("package %s // import %s", pkg.Name(), strconv.Quote(pkg.Path()))
	doc := ""
	if idx := c.pk.docIndex(ctx, pkg.Path()); idx != nil {
		doc = idx.pkgDoc
	}
	members := ""
	if detail > 0 {
		var b strings.Builder
		qual := qualifier(pkg)
		for _, n := range pkg.Scope().Names() {
			obj := pkg.Scope().Lookup(n)
			if !obj.Exported() {
				continue
			}
			line := declaration(obj, qual, false)
			if tn, ok := obj.(*types.TypeName); ok { // one line per type: its kind
				line = "type " + tn.Name() + " " + shortSig(tn, qual)
			}
			b.WriteString(line)
			b.WriteString("\n")
		}
		members = strings.TrimSuffix(b.String(), "\n")
	}
	return render(pkg, head, doc, members)
}

// render lays out a declaration, its doc comment and an optional source or
// member listing as plain text and as Markdown. pkg is the package whose doc
// it is, for resolving doc links ([Name], [Type.Method]); links into the
// standard library point at pkg.go.dev, others become plain text.
func render(pkg *types.Package, decl, doc, extra string) Doc {
	var text, md strings.Builder
	text.WriteString(decl)
	md.WriteString("```go\n" + decl + "\n```\n")
	if doc = strings.TrimSpace(doc); doc != "" {
		text.WriteString("\n\n" + doc)
		md.WriteString("\n" + markdown(pkg, doc))
	}
	if extra != "" {
		text.WriteString("\n\n" + extra)
		md.WriteString("\n```go\n" + extra + "\n```\n")
	}
	return Doc{Text: text.String(), Markdown: md.String()}
}

func markdown(pkg *types.Package, doc string) string {
	p := comment.Parser{LookupSym: func(recv, name string) bool {
		if pkg == nil {
			return false
		}
		if recv == "" {
			return pkg.Scope().Lookup(name) != nil
		}
		tn, ok := pkg.Scope().Lookup(recv).(*types.TypeName)
		if !ok {
			return false
		}
		obj, _, _ := types.LookupFieldOrMethod(tn.Type(), true, pkg, name)
		return obj != nil
	}}
	pr := comment.Printer{DocLinkURL: func(link *comment.DocLink) string {
		l := *link
		if l.ImportPath == "" && pkg != nil {
			l.ImportPath = pkg.Path()
		}
		if first, _, _ := strings.Cut(l.ImportPath, "/"); l.ImportPath == "" || l.ImportPath == "main" || strings.Contains(first, ".") {
			return "" // not in the standard library: no stable address to link to
		}
		return l.DefaultURL("https://pkg.go.dev")
	}}
	return string(pr.Markdown(p.Parse(doc)))
}

// docKey names obj in a docIndex: "Name", or "Type.Name" for methods and
// fields.
func docKey(obj types.Object) string {
	switch o := obj.(type) {
	case *types.Func:
		if sig, ok := o.Type().(*types.Signature); ok && sig.Recv() != nil {
			if n := typeName(sig.Recv().Type()); n != "" {
				return n + "." + o.Name()
			}
		}
	case *types.Var:
		if o.IsField() {
			if owner := fieldOwner(o); owner != "" {
				return owner + "." + o.Name()
			}
		}
	}
	return obj.Name()
}

// typeName returns the name of a named type or of the type a pointer
// points to.
func typeName(t types.Type) string {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	if n, ok := types.Unalias(t).(*types.Named); ok {
		return n.Obj().Name()
	}
	return ""
}

// fieldOwner returns the name of the package-level struct type that
// declares field f.
func fieldOwner(f *types.Var) string {
	f = f.Origin()
	if f.Pkg() == nil {
		return ""
	}
	scope := f.Pkg().Scope()
	for _, n := range scope.Names() {
		tn, ok := scope.Lookup(n).(*types.TypeName)
		if !ok {
			continue
		}
		st, ok := tn.Type().Underlying().(*types.Struct)
		if !ok {
			continue
		}
		for i := range st.NumFields() {
			if st.Field(i) == f {
				return tn.Name()
			}
		}
	}
	return ""
}

// docAt returns the doc comment of what the notebook declares at pos, and
// the top-level declaration holding it (nil for locals of a cell's
// statements).
func (a *analysis) docAt(pos token.Pos) (string, ast.Decl) {
	var doc string
	var decl ast.Decl
	found := false
	ast.PreorderStack(a.file, nil, func(n ast.Node, stack []ast.Node) bool {
		if found || n.Pos() > pos || n.End() <= pos {
			return false // done, or a subtree without pos
		}
		id, ok := n.(*ast.Ident)
		if !ok || id.Pos() != pos {
			return true
		}
		found = true
		doc = declDoc(stack)
		if len(stack) > 1 {
			if d, ok := stack[1].(ast.Decl); ok {
				if fd, ok := d.(*ast.FuncDecl); !ok || fd.Name.Name != "_" {
					decl = d
				}
			}
		}
		return false
	})
	return doc, decl
}

// declDoc returns the doc comment of the nearest declaring node in stack.
func declDoc(stack []ast.Node) string {
	for i := len(stack) - 1; i >= 0; i-- {
		switch n := stack[i].(type) {
		case *ast.Field:
			if n.Doc != nil {
				return n.Doc.Text()
			}
			return n.Comment.Text()
		case *ast.FuncDecl:
			return n.Doc.Text()
		case *ast.TypeSpec:
			return specDoc(parentGen(stack, i), n.Doc, n.Comment)
		case *ast.ValueSpec:
			return specDoc(parentGen(stack, i), n.Doc, n.Comment)
		case *ast.BlockStmt, *ast.FuncLit:
			return ""
		}
	}
	return ""
}

func parentGen(stack []ast.Node, i int) *ast.GenDecl {
	if i > 0 {
		if g, ok := stack[i-1].(*ast.GenDecl); ok {
			return g
		}
	}
	return &ast.GenDecl{}
}

// source returns the text of a declaration in the composed file, doc
// comment excluded.
func (a *analysis) source(d ast.Decl) string {
	from, to := a.tf.Offset(d.Pos()), a.tf.Offset(d.End())
	if from < 0 || to > len(a.src) || from >= to {
		return ""
	}
	return a.src[from:to]
}

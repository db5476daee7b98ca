package complete

import (
	"bytes"
	"context"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"strings"
)

// A docIndex holds the doc comments of a package's source, by name:
// "Name" for package-level names, "Type.Name" for methods, struct fields
// and interface methods.
type docIndex struct {
	fset    *token.FileSet
	pkgDoc  string
	entries map[string]docEntry
}

// A docEntry is one documented declaration.
type docEntry struct {
	doc  string
	node ast.Node    // *ast.FuncDecl, *ast.TypeSpec, *ast.ValueSpec or *ast.Field
	tok  token.Token // TYPE, VAR or CONST for specs
}

// docIndex returns the doc index of the package at path, parsing its source
// the first time.
func (p *packages) docIndex(ctx context.Context, path string) *docIndex {
	if idx := p.docs[path]; idx != nil {
		return idx
	}
	if err := p.ensure(ctx, []string{path}); err != nil && ctx.Err() != nil {
		return nil
	}
	lp := p.listed[path]
	if lp == nil {
		return nil
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range lp.GoFiles {
		if ctx.Err() != nil {
			return nil
		}
		f, _ := parser.ParseFile(fset, filepath.Join(lp.Dir, name), nil, parser.ParseComments|parser.SkipObjectResolution)
		if f != nil {
			files = append(files, f)
		}
	}
	idx := indexDocs(fset, files)
	p.docs[path] = idx
	return idx
}

// indexDocs collects the doc comments of files, preferring the package doc
// of doc.go, as go doc does.
func indexDocs(fset *token.FileSet, files []*ast.File) *docIndex {
	idx := &docIndex{fset: fset, entries: map[string]docEntry{}}
	add := func(key string, e docEntry) {
		if _, dup := idx.entries[key]; !dup {
			idx.entries[key] = e
		}
	}
	for _, f := range files {
		if f.Doc != nil && (idx.pkgDoc == "" || filepath.Base(fset.Position(f.Package).Filename) == "doc.go") {
			idx.pkgDoc = f.Doc.Text()
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				key := d.Name.Name
				if d.Recv != nil && len(d.Recv.List) > 0 {
					key = recvName(d.Recv.List[0].Type) + "." + key
				}
				add(key, docEntry{doc: d.Doc.Text(), node: d})
			case *ast.GenDecl:
				for _, s := range d.Specs {
					indexSpec(d, s, add)
				}
			}
		}
	}
	return idx
}

func indexSpec(d *ast.GenDecl, s ast.Spec, add func(string, docEntry)) {
	switch s := s.(type) {
	case *ast.TypeSpec:
		add(s.Name.Name, docEntry{doc: specDoc(d, s.Doc, s.Comment), node: s, tok: d.Tok})
		var fields *ast.FieldList
		switch t := s.Type.(type) {
		case *ast.StructType:
			fields = t.Fields
		case *ast.InterfaceType:
			fields = t.Methods
		}
		if fields == nil {
			return
		}
		for _, f := range fields.List {
			doc := f.Doc.Text()
			if doc == "" {
				doc = f.Comment.Text()
			}
			for _, n := range f.Names {
				add(s.Name.Name+"."+n.Name, docEntry{doc: doc, node: f})
			}
			if len(f.Names) == 0 { // embedded: named by its type
				add(s.Name.Name+"."+recvName(f.Type), docEntry{doc: doc, node: f})
			}
		}
	case *ast.ValueSpec:
		for _, n := range s.Names {
			add(n.Name, docEntry{doc: specDoc(d, s.Doc, s.Comment), node: s, tok: d.Tok})
		}
	}
}

// specDoc is a spec's own doc comment, else its declaration group's, else
// its line comment.
func specDoc(d *ast.GenDecl, doc, line *ast.CommentGroup) string {
	if doc != nil {
		return doc.Text()
	}
	if d.Doc != nil {
		return d.Doc.Text()
	}
	return line.Text()
}

// recvName returns the type name of a receiver or embedded field: T of *T,
// T[K], pkg.T.
func recvName(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.SelectorExpr:
			return t.Sel.Name
		case *ast.ParenExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// declText prints an entry's declaration without body or comments, as the
// signature of a builtin.
func (idx *docIndex) declText(e docEntry) string {
	var node any
	switch n := e.node.(type) {
	case *ast.FuncDecl:
		c := *n
		c.Doc, c.Body = nil, nil
		node = &c
	case *ast.TypeSpec:
		c := *n
		c.Doc, c.Comment = nil, nil
		node = &ast.GenDecl{Tok: e.tok, Specs: []ast.Spec{&c}}
	case *ast.ValueSpec:
		c := *n
		c.Doc, c.Comment = nil, nil
		node = &ast.GenDecl{Tok: e.tok, Specs: []ast.Spec{&c}}
	default:
		return ""
	}
	var b bytes.Buffer
	if err := (&printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 8}).Fprint(&b, idx.fset, node); err != nil {
		return ""
	}
	return strings.TrimSpace(b.String())
}

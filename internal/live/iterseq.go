package live

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	gotypes "go/types"
	"strconv"
	"sync"
)

// Package iter is two generic types, Seq and Seq2, which the interpreter
// cannot instantiate from compiled code: its symbol table for iter is
// empty. A cell may still use them: iterEdits writes each iter.Seq[V] and
// iter.Seq2[K, V] as the function type it stands for, and the type checker
// (resolve) imports a package iter of the same two types, so that ranges
// over such iterators know their element types.

// iterSource declares what the checker's package iter holds.
const iterSource = `package iter

type Seq[V any] func(yield func(V) bool)

type Seq2[K, V any] func(yield func(K, V) bool)
`

var (
	iterOnce sync.Once
	iterPkg  *gotypes.Package
)

// iterPackage returns the checker's package iter, type-checked once.
func iterPackage() *gotypes.Package {
	iterOnce.Do(func() {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "iter.go", iterSource, 0)
		if err != nil {
			panic(fmt.Sprintf("live: parse package iter: %v", err)) // a constant: cannot happen
		}
		conf := gotypes.Config{Importer: noImporter{}}
		iterPkg, err = conf.Check("iter", fset, []*ast.File{f}, nil)
		if err != nil {
			panic(fmt.Sprintf("live: check package iter: %v", err))
		}
	})
	return iterPkg
}

// iterEdits returns the edits that write the iter.Seq and iter.Seq2 types
// of root as function types. name is what the cell calls package iter ("" if
// it does not import it); src is the parsed chunk and prefix the length of
// the text before it in the parsed file.
func iterEdits(fset *token.FileSet, root ast.Node, name, src string, prefix int) []edit {
	if name == "" {
		return nil
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset - prefix }
	isIter := func(x ast.Expr, typ string) bool {
		sel, ok := x.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != typ {
			return false
		}
		id, ok := sel.X.(*ast.Ident)
		return ok && id.Name == name
	}
	var rewrite func(n ast.Node) (string, bool)
	// text is the source of e with the iterator types in it rewritten.
	text := func(e ast.Expr) string {
		if t, ok := rewrite(e); ok {
			return t
		}
		from := off(e.Pos())
		var inner []edit
		ast.Inspect(e, func(n ast.Node) bool {
			if n == nil || n == ast.Node(e) {
				return true
			}
			if t, ok := rewrite(n); ok {
				inner = append(inner, edit{at: off(n.Pos()) - from, end: off(n.End()) - from, text: t})
				return false
			}
			return true
		})
		return applyEdits(src[from:off(e.End())], inner)
	}
	rewrite = func(n ast.Node) (string, bool) {
		switch n := n.(type) {
		case *ast.IndexExpr:
			if isIter(n.X, "Seq") {
				return "func(yield func(" + text(n.Index) + ") bool)", true
			}
		case *ast.IndexListExpr:
			if isIter(n.X, "Seq2") && len(n.Indices) == 2 {
				return "func(yield func(" + text(n.Indices[0]) + ", " + text(n.Indices[1]) + ") bool)", true
			}
		}
		return "", false
	}
	var edits []edit
	ast.Inspect(root, func(n ast.Node) bool {
		if t, ok := rewrite(n); ok {
			edits = append(edits, edit{at: off(n.Pos()), end: off(n.End()), text: t})
			return false
		}
		return true
	})
	return edits
}

// importName returns the name the cell's imports (explicit) or else the
// session's (session) bind to path; "" when neither imports it.
func importName(path string, explicit, session map[string]string) string {
	for _, m := range []map[string]string{explicit, session} {
		for name, p := range m {
			if p == path {
				return name
			}
		}
	}
	return ""
}

// withImport returns f for the type checker with an import of path as name
// added, when name is set: the cell's imports are not part of its parsed
// files. The declarations are f's own, so what the checker records about
// them is what the rewrites look up.
func withImport(f *ast.File, name, path string) *ast.File {
	if name == "" {
		return f
	}
	g := *f
	imp := &ast.GenDecl{Tok: token.IMPORT, Specs: []ast.Spec{&ast.ImportSpec{
		Name: ast.NewIdent(name), Path: &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(path)}}}}
	g.Decls = append([]ast.Decl{imp}, f.Decls...)
	return &g
}

// iterTypesAsFuncs writes the iter.Seq and iter.Seq2 types in t, a type as
// Go source, as the function types they stand for, so that the type of an
// iterator a cell made means the same in later cells' checks.
func iterTypesAsFuncs(t string) string {
	fset := token.NewFileSet()
	x, err := parser.ParseExprFrom(fset, "", t, 0)
	if err != nil {
		return t
	}
	return applyEdits(t, iterEdits(fset, x, "iter", t, 0))
}

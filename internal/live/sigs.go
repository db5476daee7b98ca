package live

import (
	"go/ast"
	"go/parser"
	"go/token"
	gotypes "go/types"
	"maps"
	"slices"
	"strings"

	"github.com/conclab/conclab/internal/live/internal/liveproto"
)

// A cell that ranges over an iterator made in an earlier cell needs its
// element types, which the cell alone does not tell. So prepare remembers
// the types of each cell's functions and variables (sigs), and type-checks
// the next cells with them declared (sessionFile).

// sigs returns the types of the cell's top-level functions and variables,
// as Go source, where the cell alone decides them.
func sigs(info *gotypes.Info, decls *ast.File, body *ast.BlockStmt) map[string]string {
	out := map[string]string{}
	add := func(id *ast.Ident) {
		obj := info.Defs[id]
		if obj == nil || id.Name == "_" {
			return
		}
		t := gotypes.TypeString(obj.Type(), func(p *gotypes.Package) string {
			if p.Name() == "main" {
				return ""
			}
			return p.Name()
		})
		t = iterTypesAsFuncs(t)
		if !valid(obj.Type()) || !plainType(t) {
			return
		}
		out[id.Name] = t
	}
	for _, d := range decls.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				add(d.Name)
			}
		case *ast.GenDecl:
			if d.Tok != token.VAR {
				continue
			}
			for _, s := range d.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					add(n)
				}
			}
		}
	}
	for _, st := range body.List {
		if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					add(id)
				}
			}
		}
	}
	return out
}

// plainType reports whether t, a type as Go source, names only predeclared
// types, so that it means the same in a file of its own.
func plainType(t string) bool {
	x, err := parser.ParseExpr(t)
	if err != nil {
		return false
	}
	plain := true
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			plain = false
		case *ast.Ident:
			if gotypes.Universe.Lookup(n.Name) == nil {
				plain = false
			}
		case *ast.Field:
			// Parameter and field names are not types, at any depth
			// (func(yield func(int) bool)).
			if n.Type != nil {
				ast.Inspect(n.Type, visit)
			}
			return false
		}
		return plain
	}
	ast.Inspect(x, visit)
	return plain
}

// sessionFile declares the session's functions and variables of known
// types, and its generic functions and types (decls), that the cell does
// not define, for the type checker; nil when there are none.
func sessionFile(fset *token.FileSet, known, decls map[string]string, defines []liveproto.DefinedName) *ast.File {
	var b strings.Builder
	b.WriteString("package main\n")
	redefined := func(name string) bool {
		return slices.ContainsFunc(defines, func(d liveproto.DefinedName) bool { return d.Name == name })
	}
	for _, name := range slices.Sorted(maps.Keys(known)) {
		if !redefined(name) {
			b.WriteString("var " + name + " " + known[name] + "\n")
		}
	}
	for _, name := range slices.Sorted(maps.Keys(decls)) {
		if _, isVar := known[name]; !redefined(name) && !isVar {
			b.WriteString(decls[name] + "\n")
		}
	}
	f, err := parser.ParseFile(fset, "session", b.String(), 0)
	if err != nil {
		return nil // a type that no longer parses: the cell is checked without them
	}
	return f
}

package live

import (
	"go/ast"
	"go/token"
	gotypes "go/types"
	"strings"
)

// yaegi infers type arguments poorly: Map[T, U any](xs []T, f func(T) U)
// called as Map(ints, func(int) string {...}) binds U to int, and
// Sum[T ~int | ~float64](1, 2) finds no type for T. Given the type
// arguments, it instantiates both correctly. So the cell is type-checked
// with the session's generic functions and types declared (decls), and each
// call of a generic function written without type arguments gets the ones
// go/types infers, inserted after the function's name on the student's
// line: Map(xs, f) becomes Map[int, string](xs, f).

// declSources returns the cell's generic functions (with a stub body: only
// their signatures matter) and its type declarations as written, by name,
// for the type checking of later cells (sessionFile).
func declSources(fset *token.FileSet, decls *ast.File, text string) map[string]string {
	out := map[string]string{}
	slice := func(from, to token.Pos) (string, bool) {
		a, b := fset.Position(from).Offset-len(declPrefix), fset.Position(to).Offset-len(declPrefix)
		if a < 0 || b > len(text) || a > b {
			return "", false
		}
		return text[a:b], true
	}
	for _, d := range decls.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil || d.Type.TypeParams == nil || d.Body == nil {
				continue
			}
			if sig, ok := slice(d.Pos(), d.Body.Lbrace); ok {
				out[d.Name.Name] = sig + "{ panic(0) }"
			}
		case *ast.GenDecl:
			if d.Tok != token.TYPE {
				continue
			}
			for _, s := range d.Specs {
				ts := s.(*ast.TypeSpec)
				if src, ok := slice(ts.Pos(), ts.End()); ok {
					out[ts.Name.Name] = "type " + src
				}
			}
		}
	}
	return out
}

// typeArgEdits returns the edits that give each call in root of a generic
// function, written without type arguments, the type arguments go/types
// inferred for it. Calls whose inferred arguments are not all known (a type
// from a package, a type parameter of an enclosing function) are left to
// the interpreter.
func typeArgEdits(fset *token.FileSet, info *gotypes.Info, root ast.Node, prefix int) []edit {
	var edits []edit
	ast.Inspect(root, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok {
			return true
		}
		fn, ok := info.Uses[id].(*gotypes.Func)
		if !ok || fn.Pkg() == nil || fn.Pkg().Name() != "main" {
			return true
		}
		inst, ok := info.Instances[id]
		if !ok || inst.TypeArgs.Len() == 0 {
			return true
		}
		args := make([]string, inst.TypeArgs.Len())
		for i := range args {
			t := inst.TypeArgs.At(i)
			if !expressible(t) {
				return true
			}
			args[i] = gotypes.TypeString(t, func(*gotypes.Package) string { return "" })
		}
		at := fset.Position(id.End()).Offset - prefix
		edits = append(edits, edit{at: at, end: at, text: "[" + strings.Join(args, ", ") + "]"})
		return true
	})
	return edits
}

// expressible reports whether t can be written in the cell as the checker
// sees it: valid, with no type parameter, and every named type the cell's
// or the session's own.
func expressible(t gotypes.Type) bool {
	ok := true
	var walk func(gotypes.Type)
	seen := map[gotypes.Type]bool{}
	walk = func(t gotypes.Type) {
		if !ok || seen[t] {
			return
		}
		seen[t] = true
		switch t := t.(type) {
		case *gotypes.Basic:
			ok = t.Kind() != gotypes.Invalid && t.Info()&gotypes.IsUntyped == 0
		case *gotypes.TypeParam:
			ok = false
		case *gotypes.Named:
			obj := t.Obj()
			// Predeclared (error, comparable) or the session's: main,
			// declared at package level.
			ok = obj.Pkg() == nil || (obj.Pkg().Name() == "main" && obj.Parent() == obj.Pkg().Scope())
			for i := range t.TypeArgs().Len() {
				walk(t.TypeArgs().At(i))
			}
		case *gotypes.Alias:
			walk(gotypes.Unalias(t))
		case *gotypes.Pointer:
			walk(t.Elem())
		case *gotypes.Slice:
			walk(t.Elem())
		case *gotypes.Array:
			walk(t.Elem())
		case *gotypes.Map:
			walk(t.Key())
			walk(t.Elem())
		case *gotypes.Chan:
			walk(t.Elem())
		case *gotypes.Signature:
			for _, tup := range []*gotypes.Tuple{t.Params(), t.Results()} {
				for i := range tup.Len() {
					walk(tup.At(i).Type())
				}
			}
		case *gotypes.Struct:
			for i := range t.NumFields() {
				walk(t.Field(i).Type())
			}
		case *gotypes.Interface:
			ok = t.Empty() // written out, a non-empty one is too long to be worth it
		default:
			ok = false
		}
	}
	walk(t)
	return ok
}

package live

import (
	"go/ast"
	"go/token"
	gotypes "go/types"
	"strings"
)

// yaegi gets two common shapes wrong, and the rewrites here give it
// equivalent code it runs right:
//
//   - return <-ch in a function with a result panics ("reflect.Value.Set
//     using unaddressable value"); return (<-ch) works.
//   - A closure created in a loop and handed to compiled code
//     (wg.Go(func() { use(i) }), errgroup's g.Go, ...) sees the variables
//     of the loop's last iteration, however fresh they are per iteration:
//     the conversion to a compiled func keeps the interpreter's frame, not
//     the values. Passing them as arguments of a function that makes the
//     closure gives each closure a frame of its own:
//     wg.Go(func(i int) func() { return func() { use(i) } }(i)).
//     Only variables nothing assigns after their declaration are passed so:
//     then a copy and the variable cannot differ.

// interpFixes returns the edits of both rewrites in root. renamed are the
// per-iteration copies loopVarEdits made (a closure refers to the copy);
// prefix is the length of the text before root's chunk in its parsed file.
func interpFixes(fset *token.FileSet, info *gotypes.Info, root ast.Node, renamed map[gotypes.Object]string, prefix int) []edit {
	off := func(p token.Pos) int { return fset.Position(p).Offset - prefix }
	var edits []edit
	var loops []ast.Node // enclosing for and range statements
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if u, ok := r.(*ast.UnaryExpr); ok && u.Op == token.ARROW {
					edits = append(edits, edit{at: off(u.Pos()), end: off(u.Pos()), text: "("},
						edit{at: off(u.End()), end: off(u.End()), text: ")"})
				}
			}
		case *ast.ForStmt, *ast.RangeStmt:
			loops = append(loops, n)
			ast.Inspect(loopBody(n), visit)
			loops = loops[:len(loops)-1]
			return false
		case *ast.CallExpr:
			if len(loops) == 0 {
				break
			}
			for _, a := range n.Args {
				if lit, ok := a.(*ast.FuncLit); ok {
					edits = append(edits, bindLoopVars(info, lit, loops[0], root, renamed, off)...)
				}
			}
		}
		return true
	}
	ast.Inspect(root, visit)
	return edits
}

// loopBody is the body of a for or range statement.
func loopBody(n ast.Node) *ast.BlockStmt {
	if f, ok := n.(*ast.ForStmt); ok {
		return f.Body
	}
	return n.(*ast.RangeStmt).Body
}

// bindLoopVars returns the edits that make lit, an argument of a call in
// loop, a closure of its own over the variables of loop it uses, or none
// when it uses none or one cannot be passed (its type cannot be written,
// or something assigns it).
func bindLoopVars(info *gotypes.Info, lit *ast.FuncLit, loop, root ast.Node, renamed map[gotypes.Object]string, off func(token.Pos) int) []edit {
	var names, types []string
	seen := map[gotypes.Object]bool{}
	ok := true
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, isID := n.(*ast.Ident)
		if !isID || !ok {
			return ok
		}
		obj, isVar := info.Uses[id].(*gotypes.Var)
		if !isVar || seen[obj] || obj.Pos() < loop.Pos() || obj.Pos() >= loop.End() ||
			(obj.Pos() >= lit.Pos() && obj.Pos() < lit.End()) {
			return true
		}
		seen[obj] = true
		name := obj.Name()
		if r, ok := renamed[obj]; ok {
			name = r // the per-iteration copy, which is never assigned
		} else if mutated(info, root, obj) {
			ok = false
			return false
		}
		if !expressible(obj.Type()) {
			ok = false
			return false
		}
		names = append(names, name)
		types = append(types, name+" "+gotypes.TypeString(obj.Type(), func(*gotypes.Package) string { return "" }))
		return true
	})
	if !ok || len(names) == 0 {
		return nil
	}
	sig, isSig := info.Types[lit].Type.(*gotypes.Signature)
	if !isSig || !expressible(sig) {
		return nil
	}
	typ := gotypes.TypeString(sig, func(*gotypes.Package) string { return "" })
	return []edit{
		{at: off(lit.Pos()), end: off(lit.Pos()), text: "func(" + strings.Join(types, ", ") + ") func" + strings.TrimPrefix(typ, "func") + " { return "},
		{at: off(lit.End()), end: off(lit.End()), text: " }(" + strings.Join(names, ", ") + ")"},
	}
}

// mutated reports whether anything in root assigns obj after its
// declaration, increments it or takes its address, closures included.
func mutated(info *gotypes.Info, root ast.Node, obj gotypes.Object) bool {
	is := func(x ast.Expr) bool { id, ok := x.(*ast.Ident); return ok && info.Uses[id] == obj }
	found := false
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				// a := ... redeclaring obj in a multi-assignment uses it.
				if is(l) {
					found = true
				}
			}
		case *ast.IncDecStmt:
			found = found || is(n.X)
		case *ast.UnaryExpr:
			found = found || n.Op == token.AND && is(n.X)
		case *ast.RangeStmt:
			found = found || n.Tok == token.ASSIGN && (n.Key != nil && is(n.Key) || n.Value != nil && is(n.Value))
		}
		return !found
	})
	return found
}

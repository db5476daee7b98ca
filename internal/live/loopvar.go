package live

import (
	"fmt"
	"go/ast"
	"go/token"
	gotypes "go/types"
	"slices"
	"strconv"
	"strings"
)

// yaegi gives a loop one variable for all its iterations, as Go did before
// 1.22, so closures and pointers that outlive an iteration all see the last
// value: exactly what concurrency lessons must not get wrong. Redeclaring
// the variable in the body (v := v) does not help, since yaegi's body shares
// the loop's scope; a body variable of another name is fresh each iteration.
// So where a loop body captures a loop variable (in a func literal, or with
// &), loopVarEdits renames the variable in the body and declares the new
// name at the body's top: "v_1 := v;". A three-clause loop whose body also
// assigns the variable is left alone, since the copy would hide the
// assignment from the loop's condition.

// edit replaces the chunk bytes [at, end) with text (end == at inserts).
type edit struct {
	at, end int
	text    string
}

// resolve type-checks a cell's files as far as they go, for the objects its
// identifiers denote. A cell uses the session's names and packages, which
// the checker does not know: those are errors, ignored here, while the
// cell's own variables, fields and scopes resolve as the compiler does.
func resolve(fset *token.FileSet, files ...*ast.File) *gotypes.Info {
	info := &gotypes.Info{Defs: map[*ast.Ident]gotypes.Object{}, Uses: map[*ast.Ident]gotypes.Object{},
		Types: map[ast.Expr]gotypes.TypeAndValue{}, Instances: map[*ast.Ident]gotypes.Instance{}}
	conf := gotypes.Config{
		Error:    func(error) {},
		Importer: noImporter{},
	}
	_, _ = conf.Check("main", fset, files, info) // errors expected: see above
	return info
}

// noImporter imports nothing but package iter (see iterseq.go): resolve
// needs only the cell's own objects.
type noImporter struct{}

func (noImporter) Import(path string) (*gotypes.Package, error) {
	if path == "iter" {
		return iterPackage(), nil
	}
	return nil, fmt.Errorf("import %q: not loaded for loop variable analysis", path)
}

// loopVarEdits finds the loops of root that need per-iteration copies, and
// returns the edits and the new name of each variable it copies. src is the
// parsed chunk and prefix the length of the text before it in the parsed
// file; info resolves root's identifiers (see resolve).
func loopVarEdits(fset *token.FileSet, info *gotypes.Info, root ast.Node, src string, prefix int) ([]edit, map[gotypes.Object]string) {
	var edits []edit
	renamed := map[gotypes.Object]string{}
	off := func(p token.Pos) int { return fset.Position(p).Offset - prefix }
	ast.Inspect(root, func(n ast.Node) bool {
		var vars []*ast.Ident
		var body *ast.BlockStmt
		threeClause := false
		switch n := n.(type) {
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				vars, body = idents(n.Key, n.Value), n.Body
			}
		case *ast.ForStmt:
			if as, ok := n.Init.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
				vars, body, threeClause = idents(as.Lhs...), n.Body, true
			}
		}
		if body == nil {
			return true
		}
		var decls []string
		for _, v := range vars {
			obj := info.Defs[v]
			if obj == nil || !captured(info, body, obj) || threeClause && assigned(info, body, obj) {
				continue
			}
			fresh := freshName(src, v.Name)
			renamed[obj] = fresh
			decls = append(decls, fresh+" := "+v.Name+";")
			ast.Inspect(body, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok && info.Uses[id] == obj {
					edits = append(edits, edit{at: off(id.Pos()), end: off(id.End()), text: fresh})
				}
				return true
			})
		}
		if len(decls) > 0 {
			at := off(body.Lbrace) + 1
			edits = append(edits, edit{at: at, end: at, text: " " + strings.Join(decls, " ")})
		}
		return true
	})
	return edits, renamed
}

// freshName returns a name made from name that src does not contain.
func freshName(src, name string) string {
	for i := 1; ; i++ {
		n := name + "_" + strconv.Itoa(i)
		if !strings.Contains(src, n) {
			return n
		}
	}
}

// applyEdits applies non-overlapping edits to src.
func applyEdits(src string, edits []edit) string {
	if len(edits) == 0 {
		return src
	}
	slices.SortStableFunc(edits, func(a, b edit) int { return a.at - b.at })
	var b strings.Builder
	last := 0
	for _, e := range edits {
		if e.at < last || e.end < e.at || e.end > len(src) {
			continue
		}
		b.WriteString(src[last:e.at])
		b.WriteString(e.text)
		last = e.end
	}
	b.WriteString(src[last:])
	return b.String()
}

func idents(xs ...ast.Expr) []*ast.Ident {
	var out []*ast.Ident
	for _, x := range xs {
		if id, ok := x.(*ast.Ident); ok && id.Name != "_" {
			out = append(out, id)
		}
	}
	return out
}

// captured reports whether body uses obj inside a func literal or takes its
// address: the two ways a loop variable outlives its iteration.
func captured(info *gotypes.Info, body *ast.BlockStmt, obj gotypes.Object) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			found = uses(info, n.Body, obj)
			return false
		case *ast.UnaryExpr:
			if id, ok := n.X.(*ast.Ident); ok && n.Op == token.AND && info.Uses[id] == obj {
				found = true
			}
		}
		return true
	})
	return found
}

// uses reports whether obj appears in n.
func uses(info *gotypes.Info, n ast.Node, obj gotypes.Object) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && info.Uses[id] == obj {
			found = true
		}
		return !found
	})
	return found
}

// assigned reports whether body changes obj outside closures (=, op=, ++, --).
func assigned(info *gotypes.Info, body *ast.BlockStmt, obj gotypes.Object) bool {
	is := func(x ast.Expr) bool { id, ok := x.(*ast.Ident); return ok && info.Uses[id] == obj }
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE && slices.ContainsFunc(n.Lhs, is) {
				found = true
			}
		case *ast.IncDecStmt:
			found = found || is(n.X)
		}
		return !found
	})
	return found
}

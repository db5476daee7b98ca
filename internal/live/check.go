package live

import (
	"go/ast"
	"go/token"
	"slices"
	"strings"

	"github.com/conclab/conclab/internal/live/internal/liveproto"
)

// checker finds what yaegi cannot run in a parsed cell, before the worker
// sees it, and the packages the cell uses without importing them.
type checker struct {
	fset     *token.FileSet
	k        *knowledge
	cell     map[string]string // the cell's own top-level names -> kind
	explicit map[string]string // names the cell's imports bind -> paths
	local    map[string]string // best guess of what names in the cell hold: "int", "func"
	uses     map[string]bool   // package names used as X in X.Sel and not resolved
	err      error             // first problem, in source order
}

func newChecker(fset *token.FileSet, k *knowledge, defs []liveproto.DefinedName, explicit map[string]string) *checker {
	c := &checker{fset: fset, k: k, cell: map[string]string{}, explicit: explicit,
		local: map[string]string{}, uses: map[string]bool{}}
	for _, d := range defs {
		c.cell[d.Name] = d.Kind
	}
	return c
}

// iterators are standard functions that return iterators (Go 1.23): ranging
// over their result is ranging over a function.
var iterators = map[string]map[string]bool{
	"maps":    {"All": true, "Keys": true, "Values": true},
	"slices":  {"All": true, "Values": true, "Backward": true, "Chunk": true},
	"strings": {"Lines": true, "SplitSeq": true, "SplitAfterSeq": true, "FieldsSeq": true, "FieldsFuncSeq": true},
	"bytes":   {"Lines": true, "SplitSeq": true, "SplitAfterSeq": true, "FieldsSeq": true, "FieldsFuncSeq": true},
}

// genericOnly are packages whose functions are all generic: yaegi cannot
// call them.
var genericOnly = map[string]bool{"slices": true, "maps": true}

// newBuiltins are the builtins of Go 1.21 that yaegi does not know.
var newBuiltins = map[string]bool{"min": true, "max": true, "clear": true}

// check walks the declarations, then the statements, and returns the first
// problem as a *engine.Error.
func (c *checker) check(decls *ast.File, body *ast.BlockStmt) error {
	ast.Inspect(decls, c.visit)
	ast.Inspect(body, c.visit)
	return c.err
}

func (c *checker) line(p token.Pos) int { return c.fset.Position(p).Line }

func (c *checker) fail(p token.Pos, what, hint string) {
	if c.err == nil {
		c.err = unsupported(c.line(p), what, hint)
	}
}

func (c *checker) visit(n ast.Node) bool {
	if c.err != nil {
		return false
	}
	switch n := n.(type) {
	case *ast.AssignStmt:
		if len(n.Lhs) == len(n.Rhs) {
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					c.local[id.Name] = c.guess(n.Rhs[i])
				}
			}
		}
	case *ast.ValueSpec:
		for i, id := range n.Names {
			switch {
			case i < len(n.Values):
				c.local[id.Name] = c.guess(n.Values[i])
			case n.Type != nil:
				c.local[id.Name] = typeGuess(n.Type)
			}
		}
	case *ast.FuncDecl:
		if n.Recv == nil {
			c.local[n.Name.Name] = "func"
		}
	case *ast.CallExpr:
		for _, x := range append([]ast.Expr{n.Fun}, n.Args...) {
			if id, ok := x.(*ast.Ident); ok && c.k.broken[id.Name] && c.cell[id.Name] == "" {
				c.fail(id.Pos(), id.Name+" was declared by a live cell that did not compile, and the interpreter kept it without its body",
					"Run the cell that declares "+id.Name+" again once it compiles (or declare it again).")
			}
		}
		if id, ok := n.Fun.(*ast.Ident); ok && newBuiltins[id.Name] && !c.defined(id.Name) {
			c.fail(n.Pos(), "the built-in "+id.Name+" (Go 1.21) is not supported by the live interpreter",
				"Write the comparison out, or define func "+id.Name+" yourself in a live cell.")
		}
	case *ast.TypeSpec:
		if n.Assign.IsValid() && n.TypeParams != nil {
			c.fail(n.Pos(), "a generic type alias (Go 1.24) is not supported by the live interpreter", "")
		}
	case *ast.SelectorExpr:
		if id, ok := n.X.(*ast.Ident); ok && id.Obj == nil && !c.defined(id.Name) {
			c.usePackage(id, n.Sel)
		}
	}
	return true
}

// usePackage records that the cell uses package name id, and rejects the
// packages yaegi cannot use.
func (c *checker) usePackage(id, sel *ast.Ident) {
	path, imported := c.explicit[id.Name]
	if !imported {
		path = c.k.packages[id.Name]
	}
	if path == "" {
		return // not a package the worker knows: the interpreter will say so
	}
	if genericOnly[path] {
		c.fail(id.Pos(), "the generic functions of package "+path+" ("+path+"."+sel.Name+") are not supported by the live interpreter",
			"Write the loop yourself, or use package sort.")
		return
	}
	if liveproto.Generic(path, sel.Name) && !(path == "iter" && (sel.Name == "Seq" || sel.Name == "Seq2")) {
		hint := "Run the cell without %live: compiled cells have all of Go."
		if alt, ok := genericAlternatives[path+"."+sel.Name]; ok {
			hint = alt + " " + hint
		}
		c.fail(sel.Pos(), id.Name+"."+sel.Name+" is generic, and the live interpreter cannot use the generic functions and types of compiled packages", hint)
		return
	}
	if !imported {
		c.uses[id.Name] = true
	}
}

// genericAlternatives says what a live cell can use instead of a generic
// name of a compiled package, where there is something.
var genericAlternatives = map[string]string{
	"github.com/conclab/conclab/demos.Map": "demos.ForEach runs a bounded pool without type parameters.",
	"sync.OnceValue":                       "sync.OnceFunc with a variable it sets works in live cells.",
	"sync/atomic.Pointer":                  "atomic.Value holds any value.",
}

// defined reports whether name is a name of the cell or of the session,
// so that it is not a package or a builtin.
func (c *checker) defined(name string) bool {
	if _, ok := c.cell[name]; ok {
		return true
	}
	_, ok := c.k.live[name]
	return ok
}

// isPackage reports whether name, used as X in X.Sel, names a package: one
// the cell or the session imported, or an unimported name the cell does not
// define (conclab imports it).
func (c *checker) isPackage(name string) bool {
	if _, ok := c.cell[name]; ok {
		return false
	}
	kind, ok := c.k.live[name]
	return !ok || kind == "package"
}

// guess tells from syntax alone whether x is an integer or a function,
// using what the cell and the session say about names. "" means unknown.
func (c *checker) guess(x ast.Expr) string {
	switch x := ast.Unparen(x).(type) {
	case *ast.BasicLit:
		if x.Kind == token.INT || x.Kind == token.CHAR {
			return "int"
		}
	case *ast.FuncLit:
		return "func"
	case *ast.Ident:
		if g, ok := c.local[x.Name]; ok {
			return g
		}
		return kindGuess(c.k.live[x.Name])
	case *ast.BinaryExpr:
		switch x.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.SHL, token.SHR, token.AND, token.OR, token.XOR:
			if c.guess(x.X) == "int" || c.guess(x.Y) == "int" {
				return "int"
			}
		}
	case *ast.UnaryExpr:
		if x.Op == token.SUB || x.Op == token.ADD {
			return c.guess(x.X)
		}
	case *ast.CallExpr:
		switch f := ast.Unparen(x.Fun).(type) {
		case *ast.Ident:
			if (f.Name == "len" || f.Name == "cap") && !c.defined(f.Name) {
				return "int"
			}
			if intTypes[f.Name] && len(x.Args) == 1 && !c.defined(f.Name) {
				return "int"
			}
		case *ast.SelectorExpr:
			if pkg, ok := f.X.(*ast.Ident); ok && c.isPackage(pkg.Name) && iterators[pkg.Name][f.Sel.Name] {
				return "func"
			}
		}
	}
	return ""
}

// intTypes are the predeclared integer types (conversions to them are ints).
var intTypes = map[string]bool{
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true, "rune": true, "byte": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
}

// typeGuess is guess for a declared type.
func typeGuess(t ast.Expr) string {
	switch t := t.(type) {
	case *ast.Ident:
		if intTypes[t.Name] {
			return "int"
		}
	case *ast.FuncType:
		return "func"
	}
	return ""
}

// kindGuess maps what the session says about a name to guess's answers.
func kindGuess(kind string) string {
	switch kind {
	case "func":
		return "func"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "uintptr":
		return "int"
	}
	return ""
}

// autoImports are the packages the cell uses without importing them, in
// name order.
func (c *checker) autoImports() []liveproto.ImportRef {
	var out []liveproto.ImportRef
	for name := range c.uses {
		out = append(out, liveproto.ImportRef{Name: name, Path: c.k.packages[name], Auto: true})
	}
	slices.SortFunc(out, func(a, b liveproto.ImportRef) int { return strings.Compare(a.Name, b.Name) })
	return out
}

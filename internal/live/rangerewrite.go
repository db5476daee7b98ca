package live

import (
	"go/ast"
	"go/token"
	gotypes "go/types"
	"strings"
)

// yaegi cannot range over an integer (Go 1.22) or over a function (Go 1.23),
// and students meet both in their first loops. rangeEdits rewrites them into
// what the interpreter runs, on the lines the student wrote:
//
//	for i := range n { body }
//	  -> {n_1 := n; for i_2 := n_1 - n_1; i_2 < n_1; i_2++ { i := i_2; body }}
//
// evaluates n once, gives i the type of n and a fresh variable each
// iteration, and keeps labels, break and continue as they were.
//
//	for k, v := range seq { body }
//	  -> seq(func(k K, v V) bool { body; return true })
//
// turns the loop into the call Go makes of a push iterator: break becomes
// "return false", continue "return true". What such a body cannot keep
// (return, defer, goto, break or continue of an outer loop) is refused.

// ranger collects the range rewrites of one chunk of a cell.
type ranger struct {
	fset   *token.FileSet
	info   *gotypes.Info
	ck     *checker
	src    string
	prefix int
	labels map[*ast.RangeStmt]*ast.LabeledStmt
	edits  []edit
	names  string // the fresh names given so far, kept apart from each other
	err    error
}

// rangeEdits returns the edits that rewrite root's ranges over integers and
// functions, or a NotInLive error for one it cannot rewrite soundly. src is
// the parsed chunk and prefix the length of the text before it in the
// parsed file; info resolves root's identifiers and types (see resolve), and
// ck guesses what session names hold.
func rangeEdits(fset *token.FileSet, info *gotypes.Info, ck *checker, root ast.Node, src string, prefix int) ([]edit, error) {
	r := &ranger{fset: fset, info: info, ck: ck, src: src, prefix: prefix, labels: map[*ast.RangeStmt]*ast.LabeledStmt{}}
	ast.Inspect(root, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok {
			if rs, ok := l.Stmt.(*ast.RangeStmt); ok {
				r.labels[rs] = l
			}
		}
		return true
	})
	ast.Inspect(root, func(n ast.Node) bool {
		rs, ok := n.(*ast.RangeStmt)
		if !ok || r.err != nil {
			return r.err == nil
		}
		switch r.kind(rs.X) {
		case "int":
			r.rangeInt(rs)
		case "func":
			r.rangeFunc(rs)
		}
		return true
	})
	return r.edits, r.err
}

// fresh returns a name made from name that neither the chunk nor an
// earlier rewrite uses.
func (r *ranger) fresh(name string) string {
	n := freshName(r.src+"\n"+r.names, name)
	r.names += n + "\n"
	return n
}

func (r *ranger) off(p token.Pos) int { return r.fset.Position(p).Offset - r.prefix }

func (r *ranger) text(n ast.Node) string { return r.src[r.off(n.Pos()):r.off(n.End())] }

func (r *ranger) fail(p token.Pos, what, hint string) {
	if r.err == nil {
		r.err = unsupported(r.fset.Position(p).Line, what, hint)
	}
}

// kind tells whether x is an integer or a function: from its type where the
// cell alone decides it, else from the checker's guess (session names).
func (r *ranger) kind(x ast.Expr) string {
	if tv, ok := r.info.Types[x]; ok && tv.Type != nil {
		switch t := tv.Type.Underlying().(type) {
		case *gotypes.Basic:
			if t.Info()&gotypes.IsInteger != 0 {
				return "int"
			}
			if t.Kind() != gotypes.Invalid {
				return ""
			}
		case *gotypes.Signature:
			return "func"
		default:
			return ""
		}
	}
	return r.ck.guess(x)
}

// rangeInt rewrites a range over an integer into a three-clause loop.
func (r *ranger) rangeInt(rs *ast.RangeStmt) {
	start := rs.For
	if l := r.labels[rs]; l != nil {
		start = l.Pos() // the label must stay on the loop, inside the block
	}
	end, ctr := r.fresh("rangeN"), r.fresh("rangeI")
	r.edits = append(r.edits, edit{at: r.off(start), end: r.off(start), text: "{" + end + " := " + r.text(rs.X) + "; "})
	head := "for " + ctr + " := " + end + " - " + end + "; " + ctr + " < " + end + "; " + ctr + "++ {"
	if rs.Key != nil {
		if id, ok := rs.Key.(*ast.Ident); !ok || id.Name != "_" || rs.Tok != token.DEFINE {
			head += " " + r.text(rs.Key) + " " + rs.Tok.String() + " " + ctr + ";"
		}
	}
	r.replaceHead(rs, head)
	r.edits = append(r.edits, edit{at: r.off(rs.Body.Rbrace) + 1, end: r.off(rs.Body.Rbrace) + 1, text: "}"})
}

// replaceHead replaces the loop's text up to its body's opening brace,
// keeping the line breaks it had so that later lines stay cell lines. head
// holds the text of rs.X, with its line breaks.
func (r *ranger) replaceHead(rs *ast.RangeStmt, head string) {
	from, to := r.off(rs.For), r.off(rs.Body.Lbrace)+1
	head += strings.Repeat("\n", strings.Count(r.src[from:to], "\n")-strings.Count(r.text(rs.X), "\n"))
	r.edits = append(r.edits, edit{at: from, end: to, text: head})
}

// rangeFunc rewrites a range over a push iterator into its call.
func (r *ranger) rangeFunc(rs *ast.RangeStmt) {
	params, ok := r.yieldParams(rs.X)
	if !ok {
		r.fail(rs.For, "range over a function whose element types the live engine cannot tell (they are a package's or the session's own types)",
			"Call the function with a yield func instead: seq(func(x T) bool { ...; return true }).")
		return
	}
	vars := []ast.Expr{rs.Key, rs.Value}
	if len(params) < 2 && rs.Value != nil || len(params) < 1 && rs.Key != nil {
		return // more variables than the iterator yields: the interpreter says so
	}
	var decl, assign []string
	for i, t := range params {
		name := "_"
		if i < len(vars) && vars[i] != nil {
			name = r.text(vars[i])
			if rs.Tok == token.ASSIGN {
				tmp := r.fresh("rangeV")
				assign = append(assign, name+" = "+tmp+";")
				name = tmp
			}
		}
		decl = append(decl, name+" "+t)
	}
	label := ""
	if l := r.labels[rs]; l != nil {
		label = l.Label.Name
		// A label on a call is an error unless used: the call has no loop
		// to label. Spaces keep the columns, and line breaks the lines.
		gap := r.src[r.off(l.Pos()):r.off(rs.For)]
		r.edits = append(r.edits, edit{at: r.off(l.Pos()), end: r.off(rs.For), text: blank(gap)})
	}
	if !r.branches(rs.Body, label) {
		return
	}
	seq := r.text(rs.X)
	if _, std := r.stdIterator(rs.X); std {
		// The library's iterators are of type iter.Seq[string]: yaegi,
		// which has no such type, fails on the second call of one unless it
		// is converted to the function type first.
		seq = "(func(func(" + strings.Join(params, ", ") + ") bool))(" + seq + ")"
	}
	head := seq + "(func(" + strings.Join(decl, ", ") + ") bool {"
	if len(assign) > 0 {
		head += " " + strings.Join(assign, " ")
	}
	r.replaceHead(rs, head)
	at := r.off(rs.Body.Rbrace)
	r.edits = append(r.edits, edit{at: at, end: at + 1, text: ";return true})"})
}

// blank turns text into spaces, keeping its line breaks.
func blank(text string) string {
	return strings.Map(func(c rune) rune {
		if c == '\n' {
			return c
		}
		return ' '
	}, text)
}

// yieldParams returns the types of the yield function of iterator x, as
// Go source, when the cell alone decides them.
func (r *ranger) yieldParams(x ast.Expr) ([]string, bool) {
	if elems, ok := r.stdIterator(x); ok {
		return elems, true
	}
	tv, ok := r.info.Types[x]
	if !ok || tv.Type == nil {
		return nil, false
	}
	sig, ok := tv.Type.Underlying().(*gotypes.Signature)
	if !ok || sig.Params().Len() != 1 || sig.Results().Len() != 0 {
		return nil, false
	}
	yield, ok := sig.Params().At(0).Type().Underlying().(*gotypes.Signature)
	if !ok || yield.Params().Len() > 2 || yield.Results().Len() != 1 {
		return nil, false
	}
	var out []string
	for i := range yield.Params().Len() {
		t := yield.Params().At(i).Type()
		if !valid(t) {
			return nil, false
		}
		out = append(out, iterTypesAsFuncs(gotypes.TypeString(t, func(p *gotypes.Package) string {
			if p.Name() == "main" {
				return ""
			}
			return p.Name()
		})))
	}
	return out, true
}

// iteratorElems are the element types of the standard library's iterators
// that are not generic (the checker sees no package, so a table says).
var iteratorElems = map[string]map[string][]string{
	"strings": {"Lines": {"string"}, "SplitSeq": {"string"}, "SplitAfterSeq": {"string"}, "FieldsSeq": {"string"}, "FieldsFuncSeq": {"string"}},
	"bytes":   {"Lines": {"[]byte"}, "SplitSeq": {"[]byte"}, "SplitAfterSeq": {"[]byte"}, "FieldsSeq": {"[]byte"}, "FieldsFuncSeq": {"[]byte"}},
}

// stdIterator returns the element types of x when it is a call of one of
// iteratorElems (strings.Lines(s)).
func (r *ranger) stdIterator(x ast.Expr) ([]string, bool) {
	call, ok := x.(*ast.CallExpr)
	if !ok {
		return nil, false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return nil, false
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok || !r.ck.isPackage(pkg.Name) {
		return nil, false
	}
	elems, ok := iteratorElems[pkg.Name][sel.Sel.Name]
	return elems, ok
}

// valid reports whether t is a type the checker fully knew.
func valid(t gotypes.Type) bool {
	return !strings.Contains(gotypes.TypeString(t, nil), "invalid type")
}

// branches rewrites the break and continue statements of a range-over-func
// body that leave or continue that loop, and refuses what a function body
// cannot keep. label is the loop's label, if any.
func (r *ranger) branches(body *ast.BlockStmt, label string) bool {
	inner := map[string]bool{} // labels declared inside the body
	ast.Inspect(body, func(n ast.Node) bool {
		if l, ok := n.(*ast.LabeledStmt); ok {
			inner[l.Label.Name] = true
		}
		_, lit := n.(*ast.FuncLit)
		return !lit
	})
	const hint = "Call the iterator with a yield func that returns false to stop, or write the loop over a slice."
	var walk func(root ast.Node, loop, brk bool)
	walk = func(root ast.Node, loop, brk bool) {
		ast.Inspect(root, func(n ast.Node) bool {
			if n == root || r.err != nil {
				return r.err == nil
			}
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt, *ast.RangeStmt:
				walk(n, true, true)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				walk(n, loop, true)
				return false
			case *ast.ReturnStmt:
				r.fail(n.Pos(), "return inside the body of a range over a function is not supported by the live interpreter", hint)
			case *ast.DeferStmt:
				r.fail(n.Pos(), "defer inside the body of a range over a function is not supported by the live interpreter", hint)
			case *ast.BranchStmt:
				r.branch(n, label, inner, loop, brk)
			}
			return true
		})
	}
	walk(body, false, false)
	return r.err == nil
}

// branch rewrites or refuses one branch statement of a range-over-func
// body; loop and brk tell whether a loop, or a switch or select, inside the
// body is its target when it has no label.
func (r *ranger) branch(n *ast.BranchStmt, label string, inner map[string]bool, loop, brk bool) {
	const hint = "Call the iterator with a yield func that returns false to stop, or write the loop over a slice."
	if n.Tok == token.GOTO {
		r.fail(n.Pos(), "goto inside the body of a range over a function is not supported by the live interpreter", hint)
		return
	}
	if n.Tok != token.BREAK && n.Tok != token.CONTINUE {
		return
	}
	ours := false
	switch {
	case n.Label != nil && n.Label.Name == label:
		ours = true
	case n.Label != nil && inner[n.Label.Name]:
	case n.Label != nil:
		r.fail(n.Pos(), n.Tok.String()+" "+n.Label.Name+" (to a loop outside a range over a function) is not supported by the live interpreter", hint)
		return
	case n.Tok == token.BREAK:
		ours = !brk
	default:
		ours = !loop
	}
	if ours {
		text := map[token.Token]string{token.BREAK: "return false", token.CONTINUE: "return true"}[n.Tok]
		r.edits = append(r.edits, edit{at: r.off(n.Pos()), end: r.off(n.End()), text: text})
	}
}

package cell

import (
	"go/scanner"
	"go/token"
)

// tok is a scanned token with its byte range in the cell.
type tok struct {
	off, end int
	tok      token.Token
	lit      string
}

// scanAll returns the tokens of src, comments included. Scanner errors are
// ignored here: the parser reports them with better context.
func scanAll(src string) []tok {
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), func(token.Position, string) {}, scanner.ScanComments)
	var out []tok
	for {
		p, t, lit := s.Scan()
		if t == token.EOF {
			return out
		}
		off := file.Offset(p)
		n := len(lit)
		switch {
		case t == token.SEMICOLON && lit != ";":
			n = 0 // inserted at a newline or at EOF
		case lit == "":
			n = len(t.String())
		}
		out = append(out, tok{off: off, end: min(off+n, len(src)), tok: t, lit: lit})
	}
}

type spanKind int

const (
	stmtSpan    spanKind = iota // statements for main's body
	declSpan                    // a top-level declaration
	mainSpan                    // the cell's own func main
	packageSpan                 // a "package x" clause, ignored as gonb does
)

// span is one top-level statement of a cell.
type span struct {
	from, to int // byte range, doc comment included for declarations
	kind     spanKind
	keyword  token.Token // first token
}

// classify splits code into top-level statements (at bracket depth 0, ended
// by a semicolon, explicit or inserted at a newline) and tells declarations
// from statements by their first tokens. Statements that start at or after
// offset bodyFrom (the line after a %% marker) belong to main's body
// whatever their keyword.
func classify(l *lines, code string, bodyFrom int) ([]span, []Problem) {
	toks := scanAll(code)
	var spans []span
	var problems []Problem
	var comments []tok // top-level comments since the last statement
	for i := 0; i < len(toks); {
		switch toks[i].tok {
		case token.SEMICOLON:
			i++
			continue
		case token.COMMENT:
			comments = append(comments, toks[i])
			i++
			continue
		}
		j, depth := i, 0
	stmt:
		for ; j < len(toks); j++ {
			switch toks[j].tok {
			case token.LPAREN, token.LBRACK, token.LBRACE:
				depth++
			case token.RPAREN, token.RBRACK, token.RBRACE:
				depth--
				if depth < 0 {
					line, col := l.pos(toks[j].off)
					problems = append(problems, Problem{Line: line, Column: col,
						Msg: "unexpected " + toks[j].tok.String() + " (no matching opening bracket)"})
					depth = 0
				}
			case token.SEMICOLON:
				if depth == 0 {
					break stmt
				}
			}
		}
		ts := code1(toks[i:j])
		sp := span{from: toks[i].off, to: toks[j-1].end, keyword: ts[0].tok}
		if j < len(toks) && toks[j].lit == ";" {
			// An explicit semicolon goes with its statement, so that
			// "var a = 1; var b = 2" still parses once split.
			sp.to = toks[j].end
		}
		sp.kind = kindOf(ts)
		if sp.from >= bodyFrom {
			if p, bad := belowMarker(l, sp, ts); bad {
				problems = append(problems, p)
			}
			sp.kind = stmtSpan
		}
		if sp.kind == declSpan || sp.kind == mainSpan {
			sp.from = docStart(l, comments, sp.from)
		}
		spans = append(spans, sp)
		comments = nil
		i = j
	}
	return spans, problems
}

// code1 drops comments from a statement's tokens (it has at least one
// token that is not a comment: its first).
func code1(ts []tok) []tok {
	out := make([]tok, 0, len(ts))
	for _, t := range ts {
		if t.tok != token.COMMENT {
			out = append(out, t)
		}
	}
	return out
}

// kindOf classifies a top-level statement by its leading tokens.
func kindOf(ts []tok) spanKind {
	switch ts[0].tok {
	case token.IMPORT, token.TYPE, token.VAR, token.CONST:
		return declSpan
	case token.PACKAGE:
		if len(ts) == 2 && ts[1].tok == token.IDENT {
			return packageSpan
		}
	case token.FUNC:
		switch {
		case len(ts) > 2 && ts[1].tok == token.IDENT && ts[1].lit == "main" && ts[2].tok == token.LPAREN:
			return mainSpan
		case len(ts) > 1 && ts[1].tok == token.IDENT:
			return declSpan // func F(...), func F[T any](...)
		case isMethod(ts):
			return declSpan
		}
		// func(...) {...}(): a function literal called at once.
	}
	return stmtSpan
}

// isMethod reports whether "func (" starts a method declaration: the
// receiver's closing parenthesis is followed by a name and "(". A function
// literal has a body or a result type there instead.
func isMethod(ts []tok) bool {
	if len(ts) < 2 || ts[1].tok != token.LPAREN {
		return false
	}
	depth := 0
	for k := 1; k < len(ts); k++ {
		switch ts[k].tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
		if depth == 0 {
			return k+2 < len(ts) && ts[k+1].tok == token.IDENT && ts[k+2].tok == token.LPAREN
		}
	}
	return false
}

// belowMarker checks a statement after the %% marker: the rest of the cell
// is main's body, where imports and named funcs cannot be.
func belowMarker(l *lines, sp span, ts []tok) (Problem, bool) {
	line, col := l.pos(sp.from)
	switch {
	case ts[0].tok == token.IMPORT:
		return Problem{Line: line, Column: col, Msg: "import below the %% marker: the rest of the cell is main's body; move it above"}, true
	case ts[0].tok == token.FUNC && kindOf(ts) != stmtSpan:
		return Problem{Line: line, Column: col, Msg: "func declaration below the %% marker: the rest of the cell is main's body; move it above"}, true
	}
	return Problem{}, false
}

// docStart extends a declaration starting at from to the comment lines
// right above it, its doc comment.
func docStart(l *lines, comments []tok, from int) int {
	next, _ := l.pos(from)
	for k := len(comments) - 1; k >= 0; k-- {
		c := comments[k]
		endLine, _ := l.pos(max(c.off, c.end-1))
		if endLine != next-1 || !l.firstOnLine(c.off) {
			break
		}
		from = c.off
		next, _ = l.pos(c.off)
	}
	return from
}

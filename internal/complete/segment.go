package complete

import (
	"go/scanner"
	"go/token"
)

// A segment is one top-level piece of a cell: a declaration or a statement,
// ended by a semicolon (written or implied by a newline) outside brackets.
type segment struct {
	start, end int  // byte offsets of its first token and after its last
	semi       int  // offset of the semicolon that ends it, or len(src)
	decl       bool // import, const, type, var or func declaration
	imports    bool // an import declaration
	balanced   bool // every bracket it opens is closed
}

// classifyLimit bounds how many tokens are kept to tell a method declaration
// "func (r T) M(" from a function literal "func() T {".
const classifyLimit = 64

// split cuts src into segments. The semicolons of an if, for or switch
// header do not end a segment.
func split(src string) []segment {
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), func(token.Position, string) {}, 0)

	var segs []segment
	var cur *segment
	var toks []token.Token
	depth, header := 0, false
	closeSeg := func(semi int) {
		cur.semi = semi
		cur.balanced = depth == 0
		cur.decl, cur.imports = classify(toks)
		segs = append(segs, *cur)
		cur, toks, depth, header = nil, toks[:0], 0, false
	}
	for {
		pos, tok, lit := s.Scan()
		off := file.Offset(pos)
		if tok == token.EOF {
			if cur != nil {
				closeSeg(len(src))
			}
			return segs
		}
		if tok == token.SEMICOLON && depth == 0 && !header {
			if cur != nil {
				closeSeg(off)
			}
			continue
		}
		if cur == nil {
			cur = &segment{start: off}
		}
		if len(toks) < classifyLimit {
			toks = append(toks, tok)
		}
		switch tok {
		case token.IF, token.FOR, token.SWITCH:
			if depth == 0 {
				header = true
			}
		case token.LPAREN, token.LBRACK, token.LBRACE:
			if depth == 0 && tok == token.LBRACE {
				header = false
			}
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if depth > 0 {
				depth--
			}
		}
		cur.end = off + tokenLen(tok, lit)
	}
}

func tokenLen(tok token.Token, lit string) int {
	if lit != "" && tok != token.SEMICOLON {
		return len(lit)
	}
	if tok == token.SEMICOLON {
		if lit == ";" {
			return 1
		}
		return 0
	}
	return len(tok.String())
}

// classify tells declarations from statements by their first tokens. A
// func is a declaration when a name follows it, directly or after a
// receiver; otherwise it is a function literal in a statement.
func classify(toks []token.Token) (decl, imports bool) {
	if len(toks) == 0 {
		return false, false
	}
	switch toks[0] {
	case token.IMPORT:
		return true, true
	case token.CONST, token.TYPE, token.VAR:
		return true, false
	case token.FUNC:
	default:
		return false, false
	}
	if len(toks) > 1 && toks[1] == token.IDENT {
		return true, false
	}
	if len(toks) < 2 || toks[1] != token.LPAREN {
		return false, false
	}
	depth := 0
	for i := 1; i < len(toks); i++ {
		switch toks[i] {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		}
		if depth == 0 {
			return i+2 < len(toks) && toks[i+1] == token.IDENT && toks[i+2] == token.LPAREN, false
		}
	}
	return false, false
}

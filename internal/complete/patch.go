package complete

import (
	"go/scanner"
	"go/token"
	"strings"
)

// placeholder stands for the expression being completed in the composed
// file: it parses wherever an expression or a type may appear.
const placeholder = "_"

// level is one open bracket (or the outermost level) while scanning the
// text of a cut statement.
type level struct {
	open      token.Token // LPAREN, LBRACK, LBRACE; ILLEGAL for the outermost
	header    bool        // an if, for, switch or func header still waits for its body
	caseOpen  bool        // a case or default clause still waits for its colon
	stmtStart bool        // the next token begins a statement
	first     token.Token // the first token of the current statement
}

// closers returns what to append to text, a statement or declaration cut
// in the middle, after the placeholder, so that it parses: colons for
// unfinished case clauses, empty bodies for headers, and closing brackets.
func closers(text string) string {
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(text))
	var s scanner.Scanner
	s.Init(file, []byte(text), func(token.Position, string) {}, 0)
	stack := []level{{open: token.ILLEGAL, stmtStart: true}}
	for {
		_, tok, _ := s.Scan()
		if tok == token.EOF {
			break
		}
		cur := &stack[len(stack)-1]
		if cur.stmtStart && tok != token.SEMICOLON {
			cur.first = tok
		}
		switch tok {
		case token.SEMICOLON:
			if !cur.header {
				cur.stmtStart, cur.caseOpen = true, false
			}
			continue
		case token.IF, token.FOR, token.SWITCH:
			cur.header = true
		case token.FUNC:
			if cur.stmtStart {
				cur.header = true
			}
		case token.CASE, token.DEFAULT:
			if cur.stmtStart {
				cur.caseOpen = true
			}
		case token.COLON:
			cur.caseOpen = false
		case token.LPAREN, token.LBRACK, token.LBRACE:
			if tok == token.LBRACE {
				cur.header = false
			}
			cur.stmtStart = false
			stack = append(stack, level{open: tok, stmtStart: tok == token.LBRACE})
			continue
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		cur.stmtStart = false
	}
	var b strings.Builder
	for i := len(stack) - 1; i >= 0; i-- {
		l := stack[i]
		if l.caseOpen {
			b.WriteString(":")
		}
		if l.header {
			b.WriteString(" {}")
		}
		switch l.open {
		case token.LPAREN:
			b.WriteString(")")
		case token.LBRACK:
			b.WriteString("]")
		case token.LBRACE:
			b.WriteString("}")
			// The body of "go func() {" or "defer func() {" must be called,
			// or the parser drops the whole statement, locals and all.
			if p := stack[i-1]; p.first == token.GO || p.first == token.DEFER {
				b.WriteString("()")
			}
		}
	}
	return b.String()
}

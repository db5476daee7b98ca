package cell

import (
	"go/scanner"
	"go/token"
	"strings"
)

// IsComplete answers Jupyter's is_complete_request for a cell: "complete"
// when it can run as it is, "incomplete" when the user is evidently still
// typing (an open bracket, raw string or comment, or a line ending in an
// operator), with the indent to offer on the next line, and "invalid" when
// no more text can make it right (an unmatched closing bracket, an
// unterminated "string", an illegal character). Magic and shell lines and
// cell magics count as complete.
func IsComplete(src string) (status, indent string) {
	src = normalize(src)
	l := newLines(src)
	if isBlank(src) || cellMagic(l) != nil {
		return "complete", ""
	}
	code := newBlanker(l)
	for _, n := range findDirectives(l).lines {
		code.hide(l.start(n), l.start(n)+len(l.line(n)))
	}

	open, invalid := false, false // an unterminated raw string or comment
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(code.b))
	var s scanner.Scanner
	s.Init(file, code.b, func(_ token.Position, msg string) {
		switch msg {
		case "raw string literal not terminated", "comment not terminated":
			open = true
		default:
			invalid = true
		}
	}, 0)
	var stack []token.Token // open brackets
	last := token.SEMICOLON
	for {
		_, t, _ := s.Scan()
		if t == token.EOF {
			break
		}
		switch t {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			stack = append(stack, t)
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(stack) == 0 || closer(stack[len(stack)-1]) != t {
				return "invalid", ""
			}
			stack = stack[:len(stack)-1]
		}
		last = t
	}
	switch {
	case invalid:
		return "invalid", ""
	case open:
		return "incomplete", ""
	case len(stack) > 0:
		return "incomplete", strings.Repeat("\t", len(stack))
	case last != token.SEMICOLON:
		// No semicolon came at the end: the last token (an operator, a
		// comma, a keyword such as else) wants more.
		return "incomplete", "\t"
	}
	return "complete", ""
}

func closer(open token.Token) token.Token {
	switch open {
	case token.LPAREN:
		return token.RPAREN
	case token.LBRACK:
		return token.RBRACK
	}
	return token.RBRACE
}

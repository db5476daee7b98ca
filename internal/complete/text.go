package complete

import (
	"go/scanner"
	"go/token"
	"strings"
)

// blankMagics replaces every magic line (its first non-blank character is %
// or !) by spaces, keeping byte offsets, and reports whether the byte offset
// c is on one.
func blankMagics(cell string, c int) (string, bool) {
	b := []byte(cell)
	onMagic := false
	for start := 0; start <= len(b); {
		end := strings.IndexByte(cell[start:], '\n')
		if end < 0 {
			end = len(b)
		} else {
			end += start
		}
		if isMagic(cell[start:end]) {
			for i := start; i < end; i++ {
				b[i] = ' '
			}
			if start <= c && c <= end {
				onMagic = true
			}
		}
		start = end + 1
	}
	return string(b), onMagic
}

func isMagic(line string) bool {
	t := strings.TrimLeft(line, " \t")
	return strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!")
}

// inLiteralOrComment reports whether the byte offset c is inside a string or
// rune literal or a comment of src, where nothing is completed.
func inLiteralOrComment(src string, c int) bool {
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), func(token.Position, string) {}, scanner.ScanComments)
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return false
		}
		off := file.Offset(pos)
		if off >= c {
			return false
		}
		switch tok {
		case token.STRING, token.CHAR, token.COMMENT:
		default:
			continue
		}
		end := off + len(lit)
		if c < end || c == end && open(tok, lit) {
			return true
		}
	}
}

// open reports whether a literal or comment token is unterminated (or a line
// comment), so that a cursor at its end is still inside it.
func open(tok token.Token, lit string) bool {
	if tok == token.COMMENT {
		return strings.HasPrefix(lit, "//") || !strings.HasSuffix(lit, "*/") || len(lit) < 4
	}
	if len(lit) < 2 || lit[len(lit)-1] != lit[0] {
		return true
	}
	if lit[0] == '`' {
		return false
	}
	bs := 0
	for i := len(lit) - 2; i > 0 && lit[i] == '\\'; i-- {
		bs++
	}
	return bs%2 == 1
}

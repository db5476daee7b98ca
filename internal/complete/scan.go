package complete

import (
	"unicode"
	"unicode/utf8"
)

// isIdentRune reports whether r may appear in a Go identifier.
func isIdentRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// identStart returns where the identifier characters ending at i begin.
func identStart(s string, i int) int {
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !isIdentRune(r) {
			break
		}
		i -= size
	}
	return i
}

// identEnd returns where the identifier characters starting at i end.
func identEnd(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isIdentRune(r) {
			break
		}
		i += size
	}
	return i
}

// exprStart returns where the primary expression ending at end begins:
// identifiers joined by dots, calls, index expressions, composite literals
// and type assertions, such as a.b(c)[d].(T). It returns end when there is
// no such expression and -1 when brackets do not match.
func exprStart(s string, end int) int {
	i := end
	for i > 0 {
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		switch {
		case isIdentRune(r):
			i = identStart(s, i)
			if i > 0 && s[i-1] == '.' {
				i--
				continue
			}
			return i
		case r == ')' || r == ']' || r == '}':
			open := matchOpen(s, i-1)
			if open < 0 {
				return -1
			}
			i = open
			if i == 0 {
				return i
			}
			p, _ := utf8.DecodeLastRuneInString(s[:i])
			switch {
			case p == '.': // a type assertion x.(T)
				i--
			case isIdentRune(p) || p == ')' || p == ']' || p == '}':
				// the operand that is called, indexed or given a literal
			default:
				return i
			}
		default:
			return i
		}
	}
	return i
}

// matchOpen returns the offset of the bracket that opens the one at close,
// skipping brackets in string and rune literals, or -1.
func matchOpen(s string, close int) int {
	depth := 0
	for i := close; i >= 0; i-- {
		switch ch := s[i]; ch {
		case ')', ']', '}':
			depth++
		case '(', '[', '{':
			depth--
			if depth == 0 {
				if !pairs(ch, s[close]) {
					return -1
				}
				return i
			}
		case '"', '`', '\'':
			i = literalStart(s, i)
		}
	}
	return -1
}

func pairs(open, close byte) bool {
	return open == '(' && close == ')' || open == '[' && close == ']' || open == '{' && close == '}'
}

// literalStart returns the offset of the quote that opens the literal whose
// closing quote is at end, or end when it cannot be found.
func literalStart(s string, end int) int {
	q := s[end]
	for i := end - 1; i >= 0; i-- {
		if s[i] == '\n' && q != '`' {
			return end
		}
		if s[i] != q {
			continue
		}
		if q == '`' {
			return i
		}
		bs := 0
		for j := i - 1; j >= 0 && s[j] == '\\'; j-- {
			bs++
		}
		if bs%2 == 0 {
			return i
		}
	}
	return end
}

// unmatchedOpen returns the offset of the last bracket open before c that is
// not closed before c, when it is want, or -1.
func unmatchedOpen(s string, c int, want byte) int {
	depth := 0
	for i := c - 1; i >= 0; i-- {
		switch ch := s[i]; ch {
		case ')', ']', '}':
			depth++
		case '(', '[', '{':
			if depth == 0 {
				if ch == want {
					return i
				}
				return -1
			}
			depth--
		case '"', '`', '\'':
			i = literalStart(s, i)
		}
	}
	return -1
}

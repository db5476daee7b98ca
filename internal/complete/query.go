package complete

import (
	"go/parser"
	"go/token"
	"unicode"
	"unicode/utf8"
)

// A query is what a request asks about, found in the cell's text alone: the
// identifier at the cursor and, when it follows a dot, the expression before
// the dot.
type query struct {
	cell   string // the cell as sent, for converting offsets to code points
	src    string // the cell with magic lines blanked (same length and offsets)
	start  int    // byte offset where the identifier starts
	cursor int    // byte offset of the cursor
	end    int    // byte offset where the identifier ends (cursor or further)
	prefix string // src[start:cursor]: what matches must begin with
	recv   string // the expression before the dot, "" for a bare identifier
	cut    int    // where the composed file cuts the cell: start of recv, else start
}

// completionQuery finds the identifier being typed at cursor (in code
// points). ok is false when there is nothing to complete: a bad cursor or
// text, a magic line, a string, a comment or a number.
func completionQuery(cell string, cursor int) (*query, bool) {
	src, c, ok := prepare(cell, cursor)
	if !ok {
		return nil, false
	}
	q, ok := newQuery(src, identStart(src, c), c, identEnd(src, c))
	if ok {
		q.cell = cell
	}
	return q, ok
}

// inspectQuery finds the name to inspect at cursor (in code points). As in
// IPython, a call wins: inside a call's parentheses it is the function
// called, unless the cursor is on a name that is itself being called. Else it
// is the identifier the cursor is in or just after.
func inspectQuery(cell string, cursor int) (*query, bool) {
	src, c, ok := prepare(cell, cursor)
	if !ok {
		return nil, false
	}
	start, end := identStart(src, c), identEnd(src, c)
	if !calledAt(src, end) {
		if fs, fe := callee(src, c); fs < fe {
			start, end = fs, fe
		}
	}
	if start == end {
		return nil, false
	}
	q, ok := newQuery(src, start, end, end)
	if !ok || token.IsKeyword(q.prefix) {
		return nil, false
	}
	q.cell = cell
	return q, true
}

// calledAt reports whether an opening parenthesis follows offset i (after
// blanks on the same line): the identifier ending there is called.
func calledAt(src string, i int) bool {
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	return i < len(src) && src[i] == '('
}

// callee returns the span of the identifier called by the innermost call
// whose parentheses hold offset c, or an empty span.
func callee(src string, c int) (start, end int) {
	open := unmatchedOpen(src, c, '(')
	if open < 0 {
		return 0, 0
	}
	e := open
	for e > 0 && (src[e-1] == ' ' || src[e-1] == '\t') {
		e--
	}
	return identStart(src, e), e
}

// prepare validates the request, blanks magic lines and converts the cursor
// to a byte offset. ok is false when no answer can be given at this cursor.
func prepare(cell string, cursor int) (src string, c int, ok bool) {
	if !utf8.ValidString(cell) {
		return "", 0, false
	}
	c, ok = byteOffset(cell, cursor)
	if !ok {
		return "", 0, false
	}
	src, onMagic := blankMagics(cell, c)
	if onMagic || inLiteralOrComment(src, c) {
		return "", 0, false
	}
	return src, c, true
}

func newQuery(src string, start, cursor, end int) (*query, bool) {
	q := &query{src: src, start: start, cursor: cursor, end: end, prefix: src[start:cursor], cut: start}
	if r, _ := utf8.DecodeRuneInString(src[start:]); start < end && unicode.IsDigit(r) {
		return nil, false // a number, not a name
	}
	if start > 0 && src[start-1] == '.' {
		rs := exprStart(src, start-1)
		if rs < 0 || rs == start-1 {
			return nil, false // "...", ".5" or a dot after something that is no operand
		}
		if r, _ := utf8.DecodeRuneInString(src[rs:]); unicode.IsDigit(r) {
			return nil, false // "1." starts a float literal
		}
		q.recv = src[rs : start-1]
		if _, err := parser.ParseExpr(q.recv); err != nil {
			return nil, false
		}
		q.cut = rs
	}
	return q, true
}

// byteOffset converts a position in code points to a byte offset in s.
func byteOffset(s string, cursor int) (int, bool) {
	if cursor < 0 {
		return 0, false
	}
	n := 0
	for i := range s {
		if n == cursor {
			return i, true
		}
		n++
	}
	if n == cursor {
		return len(s), true
	}
	return 0, false
}

// runeOffset converts a byte offset in s to a position in code points.
func runeOffset(s string, b int) int { return utf8.RuneCountInString(s[:b]) }

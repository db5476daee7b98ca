package cell

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Error is a problem in a cell's text found by Parse, located in cell
// terms. It may carry several problems; Error() gives one per line,
// "line 3: expected '}', found 'EOF'".
type Error struct {
	Problems []Problem // at least one, in cell order
}

// Problem is one syntax problem of a cell.
type Problem struct {
	Line   int // 1-based cell line
	Column int // 1-based byte column; 0 when unknown
	Msg    string
}

// Error lists the problems, one a line.
func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(p.Line))
		b.WriteString(": ")
		b.WriteString(p.Msg)
	}
	return b.String()
}

// maxProblems bounds an Error: after the first few, the rest are mostly
// echoes of the first.
const maxProblems = 10

// newError sorts problems by position and drops repeats on a line (the
// parser tends to report one mistake several times).
func newError(ps []Problem) *Error {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	var out []Problem
	for _, p := range ps {
		if len(out) > 0 && out[len(out)-1].Line == p.Line {
			continue
		}
		out = append(out, p)
		if len(out) == maxProblems {
			break
		}
	}
	return &Error{Problems: out}
}

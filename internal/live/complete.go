package live

import (
	"context"
	"strings"
	"unicode"
)

// Complete returns the live names that complete the identifier before cursor
// in code, and the range [start, end) the match replaces. cursor, start and
// end count Unicode code points, as Jupyter's cursor_pos does. A member
// after a dot (x.F) is not completed here: that needs types, which the
// kernel's completer has.
func (e *Engine) Complete(ctx context.Context, code string, cursor int) (matches []string, start, end int) {
	rs := []rune(code)
	cursor = min(max(cursor, 0), len(rs))
	start = cursor
	for start > 0 && isIdentRune(rs[start-1]) {
		start--
	}
	if start > 0 && rs[start-1] == '.' {
		return nil, cursor, cursor
	}
	prefix := string(rs[start:cursor])
	for _, name := range e.Names() {
		if ctx.Err() != nil {
			break
		}
		if strings.HasPrefix(name, prefix) {
			matches = append(matches, name)
		}
	}
	return matches, start, cursor
}

func isIdentRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

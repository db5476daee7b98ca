package magic

import (
	"sort"
	"strings"
	"unicode"
)

// Complete offers the names of the magics that fit where the cursor is
// (counted in code points, as Jupyter counts it), when it is in a magic's
// name at the start of a line: "%ti" offers %time and %timeout, "%%sc" on
// the first line offers %%script. First-line and cell magics are offered
// only on the first non-blank line; gonb's "//gonb:" prefix is allowed.
// The matches replace code[start:end] (code points); ok is false when the
// cursor is not in a magic's name or no magic fits.
func (r Registry[H]) Complete(code string, cursor int) (matches []string, start, end int, ok bool) {
	rs := []rune(code)
	if cursor < 0 || cursor > len(rs) {
		return nil, 0, 0, false
	}
	lineStart := cursor
	for lineStart > 0 && rs[lineStart-1] != '\n' {
		lineStart--
	}
	first := strings.TrimSpace(string(rs[:lineStart])) == ""
	i := lineStart
	for i < cursor && (rs[i] == ' ' || rs[i] == '\t') {
		i++
	}
	if rest := string(rs[i:cursor]); strings.HasPrefix(rest, "//gonb:") {
		i += len([]rune("//gonb:"))
		for i < cursor && (rs[i] == ' ' || rs[i] == '\t') {
			i++
		}
	}
	start = i
	var kinds []Kind
	switch {
	case strings.HasPrefix(string(rs[i:cursor]), "%%"):
		i += 2
		if first {
			kinds = []Kind{Cell}
		}
	case strings.HasPrefix(string(rs[i:cursor]), "%"):
		i++
		kinds = []Kind{Line}
		if first {
			kinds = append(kinds, FirstLine)
		}
	}
	for j := i; j < cursor; j++ {
		if !isNameRune(rs[j]) {
			return nil, 0, 0, false
		}
	}
	prefix := string(rs[i:cursor])
	end = cursor
	for end < len(rs) && isNameRune(rs[end]) {
		end++
	}
	for _, m := range r.magics {
		for _, k := range kinds {
			if m.Kind != k {
				continue
			}
			for _, n := range m.Names {
				if strings.HasPrefix(n, prefix) {
					matches = append(matches, k.Prefix()+n)
				}
			}
		}
	}
	if len(matches) == 0 {
		return nil, 0, 0, false
	}
	sort.Strings(matches)
	return matches, start, end, true
}

func isNameRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

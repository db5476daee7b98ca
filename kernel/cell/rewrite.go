package cell

import (
	"regexp"
	"strings"
)

// position matches a place in a composed program: a virtual file name (see
// compose.go), line, optional column and, in tracebacks, the PC offset.
var position = regexp.MustCompile(`(?:\.\.?)?/conclab/(?:cell(\d*)|(generated))\.go:(\d+)(?::(\d+))?(?: \+0x[0-9a-fA-F]+)?`)

// Rewrite turns compiler errors, vet and race reports and panic traces of p
// into cell terms: a position in the cell p was composed for becomes
// "line 5" or "line 5:3", one in a declaration remembered from cell [3]
// "cell [3] line 4", one in conclab's own lines "generated code line 9".
// Other text passes through unchanged.
func (p *Program) Rewrite(text string) string {
	if !strings.Contains(text, "/conclab/") {
		return text
	}
	var b strings.Builder
	last := 0
	for _, m := range position.FindAllStringSubmatchIndex(text, -1) {
		b.WriteString(text[last:m[0]])
		last = m[1]
		group := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return text[m[2*i]:m[2*i+1]]
		}
		switch cell, generated := group(1), group(2); {
		case generated != "":
			b.WriteString("generated code ")
		case cell != "":
			b.WriteString("cell [" + cell + "] ")
		}
		b.WriteString("line " + group(3))
		if col := group(4); col != "" {
			b.WriteString(":" + col)
		}
	}
	b.WriteString(text[last:])
	return b.String()
}

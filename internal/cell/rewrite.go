package cell

import (
	"regexp"
	"strconv"
	"strings"
)

// position matches a place in a composed program: a virtual file name (see
// compose.go), line, optional column and, in tracebacks, the PC offset.
var position = regexp.MustCompile(`(?:\.\.?)?/conclab/(?:cell(\d*)|(generated))\.go:(\d+)(?::(\d+))?(?: \+0x[0-9a-fA-F]+)?`)

// cPosition matches a place the C compiler reports in a cgo preamble: cgo
// names main.go itself, at its real lines.
// Without a line ("./main.go: In function 'f':") it names no place.
var cPosition = regexp.MustCompile(`(?:[\w.+-]*/)*\bmain\.go:(?:(\d+)(?::(\d+))?|( ))`)

// cgoName matches the Go names cgo gives C's ("_Cfunc_twice", "_Ctype_int"),
// which the Go compiler's errors show, in parentheses for a call.
var cgoName = regexp.MustCompile(`\(?\b_C(?:func|type|var|macro)_(\w+)\b\)?`)

// gutter matches the line number gcc prints left of the source line it
// quotes under an error ("    7 | int twice(...").
var gutter = regexp.MustCompile(`(?m)^( *)(\d+)( \| )`)

// Rewrite turns compiler errors, vet and race reports and panic traces of p
// into cell terms: a position in the cell p was composed for becomes
// "line 5" or "line 5:3", one in a declaration remembered from cell [3]
// "cell [3] line 4", one in conclab's own lines "generated code line 9".
// The C compiler's errors in a cgo preamble are mapped the same way. Other
// text passes through unchanged.
func (p *Program) Rewrite(text string) string {
	if strings.Contains(text, "/conclab/") {
		text = p.rewrite(text, position, func(group func(int) string) (string, bool) {
			line, col := group(3), group(4)
			switch cell, generated := group(1), group(2); {
			case generated != "":
				if pos, ok := p.cgoPos(line, col, false); ok {
					return pos, true
				}
				return "generated code " + linePos(line, col), true
			case cell != "":
				return "cell [" + cell + "] " + linePos(line, col), true
			}
			return linePos(line, col), true
		})
	}
	if len(p.cgoLines) > 0 && strings.Contains(text, "main.go:") {
		mapped := false
		text = p.rewrite(text, cPosition, func(group func(int) string) (string, bool) {
			if group(3) != "" {
				return "", true // "./main.go: In function": the lines after say where
			}
			pos, ok := p.cgoPos(group(1), group(2), true)
			mapped = mapped || ok
			return pos, ok
		})
		if mapped {
			text = p.rewrite(text, gutter, func(group func(int) string) (string, bool) {
				n, _ := strconv.Atoi(group(2))
				cl, ok := p.cgoLines[n]
				if !ok {
					return "", false
				}
				num := strconv.Itoa(cl.line)
				return group(1) + strings.Repeat(" ", max(0, len(group(2))-len(num))) + num + group(3), true
			})
		}
	}
	if len(p.cgoLines) > 0 && strings.Contains(text, "_C") {
		text = p.rewrite(text, cgoName, func(group func(int) string) (string, bool) {
			m := group(0)
			name := "C." + group(1)
			// Keep a parenthesis that only one side has: it is not cgo's.
			if strings.HasPrefix(m, "(") != strings.HasSuffix(m, ")") {
				if strings.HasPrefix(m, "(") {
					name = "(" + name
				} else {
					name += ")"
				}
			}
			return name, true
		})
	}
	return text
}

// rewrite replaces the matches of re in text with what repl returns for
// them, leaving those it declines.
func (p *Program) rewrite(text string, re *regexp.Regexp, repl func(group func(int) string) (string, bool)) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(text, -1) {
		group := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return text[m[2*i]:m[2*i+1]]
		}
		s, ok := repl(group)
		if !ok {
			continue
		}
		b.WriteString(text[last:m[0]])
		b.WriteString(s)
		last = m[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

func linePos(line, col string) string {
	if col == "" {
		return "line " + line
	}
	return "line " + line + ":" + col
}

// cgoPos is the cell position of a real line of main.go and a column on it
// in p's cgo imports (see cgo.go); a C compiler's column counts as it
// displays.
func (p *Program) cgoPos(line, col string, c bool) (string, bool) {
	n, _ := strconv.Atoi(line)
	cl, ok := p.cgoLines[n]
	if !ok {
		return "", false
	}
	pos := "line " + strconv.Itoa(cl.line)
	if n, err := strconv.Atoi(col); err == nil {
		if c && cl.c != "" {
			n = byteColumn(cl.c, n)
		}
		pos += ":" + strconv.Itoa(max(1, n+cl.shift))
	}
	if id, ok := strings.CutPrefix(strings.TrimSuffix(cl.file, ".go"), virtualDir+"cell"); ok && id != "" {
		pos = "cell [" + id + "] " + pos
	}
	return pos, true
}

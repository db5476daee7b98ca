package live

import (
	"fmt"
	"strings"
	"unicode"
)

// Strip tells whether code is a live cell: its first non-blank line is
// "%live" or "%live reset". It returns the cell with that line blanked, so
// that line numbers in messages stay those of the notebook cell, and whether
// the line asked for a reset (Engine.Reset before running the rest). An
// argument other than "reset" makes it a live cell with an error that says
// what %live takes.
func Strip(code string) (body string, reset, ok bool, err error) {
	lines := strings.SplitAfter(code, "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		name, arg := t, ""
		if j := strings.IndexFunc(t, unicode.IsSpace); j >= 0 {
			name, arg = t[:j], strings.TrimSpace(t[j:])
		}
		if name != "%live" {
			return code, false, false, nil
		}
		switch arg {
		case "":
		case "reset":
			reset = true
		default:
			err = fmt.Errorf("%%live takes no argument but reset (got %s)", arg)
		}
		if strings.HasSuffix(l, "\n") {
			lines[i] = "\n"
		} else {
			lines[i] = ""
		}
		return strings.Join(lines, ""), reset, true, err
	}
	return code, false, false, nil
}

package live

import "strings"

// Strip tells whether code is a live cell: its first non-blank line is
// "%live" or "%live reset". It returns the cell with that line blanked, so
// that line numbers in messages stay those of the notebook cell, and whether
// the line asked for a reset (Engine.Reset before running the rest). An
// argument other than "reset" is an error message for the user.
func Strip(code string) (body string, reset, ok bool, bad string) {
	lines := strings.SplitAfter(code, "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		name, arg, _ := strings.Cut(t, " ")
		if name != "%live" {
			return code, false, false, ""
		}
		switch arg = strings.TrimSpace(arg); arg {
		case "":
		case "reset":
			reset = true
		default:
			bad = "%live takes no argument but reset (got " + arg + ")"
		}
		if strings.HasSuffix(l, "\n") {
			lines[i] = "\n"
		} else {
			lines[i] = ""
		}
		return strings.Join(lines, ""), reset, true, bad
	}
	return code, false, false, ""
}

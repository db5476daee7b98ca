package worker

import (
	"bytes"
	"io"
	"regexp"
	"strings"
)

// panicLines is the interpreter's stderr. As a panic unwinds interpreted
// frames, yaegi prints one line per frame, "2:1: panic: main.f(...)"; this
// writer turns them into "\tat line 2, in f" and passes everything else
// through. (os.Stderr of the cells stays the real one: yaegi only swaps in a
// stream that is an *os.File.)
type panicLines struct{ w io.Writer }

var panicFrame = regexp.MustCompile(`^(\d+):\d+: panic: (.*)\(\.\.\.\)$`)

func (p *panicLines) Write(b []byte) (int, error) {
	if !bytes.Contains(b, []byte(": panic: ")) {
		return p.w.Write(b)
	}
	lines := strings.SplitAfter(string(b), "\n")
	var out strings.Builder
	for _, l := range lines {
		m := panicFrame.FindStringSubmatch(strings.TrimSuffix(l, "\n"))
		if m == nil {
			out.WriteString(l)
			continue
		}
		out.WriteString("\tat line " + m[1] + ", in " + frameName(m[2]) + "\n")
	}
	if _, err := io.WriteString(p.w, out.String()); err != nil {
		return 0, err
	}
	return len(b), nil
}

// frameName names an interpreted function for a user: the cell itself, a
// func literal, or the function's own name.
func frameName(f string) string {
	switch f = strings.TrimPrefix(f, "main."); f {
	case "main":
		return "the cell"
	case "func":
		return "a func literal"
	}
	return f
}

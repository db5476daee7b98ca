package kernel

import (
	"strings"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/engine"
)

// liveMeasures takes %trace and %time out of a %live cell's body: the live
// engine measures the cell's run in its worker. Their lines are blanked,
// so that the cell's other lines keep their numbers; the settings say what
// to measure. The cell parser finds the magics, so a "%trace" line inside
// a string literal or a comment is not one; a body the parser refuses is
// left whole, for the live engine to report. Other magics stay for the
// live engine to refuse.
func liveMeasures(body string) (string, engine.Settings, error) {
	var st engine.Settings
	c, err := cell.Parse(body)
	if err != nil {
		return body, st, nil
	}
	lines := strings.SplitAfter(body, "\n")
	for _, m := range c.Magics {
		switch m.Name {
		case "trace":
			args, err := splitArgs(m.Args)
			if err != nil {
				return body, st, errorf("UsageError", "line %d: %%trace: %v", m.Line, err)
			}
			st.Trace, st.TraceTitle = true, strings.Join(args, " ")
		case "time":
			if m.Args != "" {
				return body, st, errorf("UsageError", "line %d: %%time takes no arguments (got %s)", m.Line, m.Args)
			}
			st.Time = true
		default:
			continue
		}
		if i := m.Line - 1; i >= 0 && i < len(lines) {
			lines[i] = strings.Repeat("\n", strings.Count(lines[i], "\n"))
		}
	}
	return strings.Join(lines, ""), st, nil
}

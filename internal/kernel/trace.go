package kernel

import (
	"strconv"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/engine"
)

// liveTrace refuses %trace in a %live cell, with the reason and the way out:
// the execution tracer records a program's own goroutines, and a live
// cell's goroutines run inside the interpreter's worker, whose trace would
// show the interpreter at work rather than the cell. It returns nil for a
// cell without %trace. The cell parser finds the magic, so a "%trace" line
// inside a string literal or a comment is not one; a body the parser
// refuses is left to the live engine to report.
func liveTrace(body string) error {
	c, err := cell.Parse(body)
	if err != nil {
		return nil
	}
	for _, m := range c.Magics {
		if m.Name != "trace" {
			continue
		}
		msg := "line " + strconv.Itoa(m.Line) + ": %trace works for compiled cells, not %live ones"
		return &engine.Error{Name: "NotInLive", Value: msg, Traceback: []string{msg,
			"A live cell runs in the interpreter's worker process: its trace would show the interpreter, not your goroutines.",
			"Remove %live to trace this cell: it then runs as a compiled program, and %trace shows what each P ran and why goroutines waited."}}
	}
	return nil
}

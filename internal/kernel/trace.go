package kernel

import (
	"strconv"
	"strings"

	"github.com/conclab/conclab/internal/engine"
)

// liveTrace refuses %trace in a %live cell, with the reason and the way out:
// the execution tracer records a program's own goroutines, and a live
// cell's goroutines run inside the interpreter's worker, whose trace would
// show the interpreter at work rather than the cell. It returns nil for a
// cell without %trace.
func liveTrace(body string) error {
	for i, l := range strings.Split(body, "\n") {
		l = strings.TrimPrefix(strings.TrimSpace(l), "//gonb:")
		if l != "%trace" && !strings.HasPrefix(l, "%trace ") {
			continue
		}
		msg := "line " + strconv.Itoa(i+1) + ": %trace works for compiled cells, not %live ones"
		return &engine.Error{Name: "NotInLive", Value: msg, Traceback: []string{msg,
			"A live cell runs in the interpreter's worker process: its trace would show the interpreter, not your goroutines.",
			"Remove %live to trace this cell: it then runs as a compiled program, and %trace shows what each P ran and why goroutines waited."}}
	}
	return nil
}

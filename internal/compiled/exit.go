package compiled

import (
	"fmt"
	"os/exec"
	"strings"
	"syscall"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/procgroup"
)

// exitError explains why prog ended badly, from its exit status and the end
// of its stderr (rewritten in cell terms): Go's own message for panics,
// fatal errors and deadlocks, shortened to the frames in the user's cells.
// When a declaration remembered from an earlier cell failed before main,
// it fails every cell: the traceback starts by naming it and how to
// remove it.
func exitError(exit *exec.ExitError, stderrTail string, prog *cell.Program) *engine.Error {
	if e := crashError(stderrTail, prog); e != nil {
		return e
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return &engine.Error{Name: "Killed", Value: "the program " + procgroup.Status(exit)}
	}
	return &engine.Error{Name: "ExitError", Value: "the program " + procgroup.Status(exit)}
}

// crashError is Go's own report of a panic, fatal error or deadlock at the
// end of stderrTail, in cell terms; nil when there is none.
func crashError(stderrTail string, prog *cell.Program) *engine.Error {
	lines := splitLines(stderrTail)
	for i, l := range lines {
		var e *engine.Error
		verb := "fails"
		switch {
		case strings.HasPrefix(l, "panic: "):
			e, verb = &engine.Error{Name: "panic", Value: strings.TrimPrefix(l, "panic: ")}, "panics"
		case strings.HasPrefix(l, "fatal error: all goroutines are asleep - deadlock!"):
			e, verb = &engine.Error{Name: "deadlock", Value: "all goroutines are asleep"}, "deadlocks"
		case strings.HasPrefix(l, "fatal error: "):
			e = &engine.Error{Name: "fatal error", Value: strings.TrimPrefix(l, "fatal error: ")}
		default:
			continue
		}
		e.Traceback = cellFrames(lines[i:])
		if c, ok := prog.InitCulprit(stderrTail); ok {
			note := c.String() + " " + verb + "; %rm " + c.Remove + " removes it"
			e.Traceback = append([]string{note, ""}, e.Traceback...)
		}
		return e
	}
	return nil
}

// debugExit is how a program run under the debugger ended badly: its exit
// status as Delve reported it (-1 when Delve did not).
type debugExit struct{ code int }

func (d debugExit) Error() string {
	if d.code < 0 {
		return "the program was stopped"
	}
	return fmt.Sprintf("the program exited with status %d", d.code)
}

// cellFrames keeps, for each goroutine of a Go crash report, its header and
// the frames that point into cells, so that the traceback reads
// "main.work(...) / line 4" rather than runtime internals. The report's
// first line is left out: the error's name and value say it, and the whole
// report is on stderr already.
func cellFrames(report []string) []string {
	var out []string
	for i := 1; i < len(report); i++ {
		l := report[i]
		switch {
		case strings.HasPrefix(l, "goroutine "):
			out = append(out, "", l)
		case strings.HasPrefix(l, "\t") && isCellPos(l) && i > 0:
			out = append(out, "  "+strings.TrimSpace(report[i-1]), "      "+strings.TrimSpace(l))
		case strings.HasPrefix(l, "[signal "), strings.HasPrefix(l, "\t[recovered]"):
			out = append(out, l)
		}
	}
	// Drop goroutine headers that got no frames.
	kept := []string{}
	for i, l := range out {
		if strings.HasPrefix(l, "goroutine ") && (i+1 == len(out) || out[i+1] == "") {
			if len(kept) > 0 && kept[len(kept)-1] == "" {
				kept = kept[:len(kept)-1]
			}
			continue
		}
		kept = append(kept, l)
	}
	for len(kept) > 0 && kept[0] == "" {
		kept = kept[1:]
	}
	return kept
}

// isCellPos reports whether a rewritten frame position is in a cell.
func isCellPos(l string) bool {
	l = strings.TrimSpace(l)
	return strings.HasPrefix(l, "line ") || strings.HasPrefix(l, "cell [")
}

package compiled

import (
	"errors"
	"fmt"
	"os/exec"

	"github.com/conclab/conclab/internal/engine"
)

// report shows what remains of the run (the last of its output, %time's
// and %trace's reports, the value of the last expression) and returns how
// the cell ended: nil, stoppedBy, or the program's exit as an error.
func (r *cellRun) report(stoppedBy *engine.Error, waitErr error) error {
	r.stderr.flush()
	r.stdout.flush()
	if r.st.Time && r.cmd.ProcessState != nil {
		r.out.Stream("stdout", timeReport(r.wall, r.cmd.ProcessState))
	}
	if r.trace != nil {
		r.trace.report(r.out, r.prog)
	}

	if stoppedBy != nil {
		return stoppedBy
	}
	if waitErr == nil {
		if text, ok := r.result.value(); ok {
			r.out.Result(map[string]any{"text/plain": text})
		}
		return nil
	}
	var dx debugExit
	if errors.As(waitErr, &dx) {
		if e := crashError(r.stderr.tail(), r.prog); e != nil {
			return e
		}
		return &engine.Error{Name: "ExitError", Value: dx.Error()}
	}
	var exit *exec.ExitError
	if !errors.As(waitErr, &exit) {
		return fmt.Errorf("run cell: %w", waitErr)
	}
	return exitError(exit, r.stderr.tail(), r.prog)
}

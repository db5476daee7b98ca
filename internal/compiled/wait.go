package compiled

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/procgroup"
	"github.com/conclab/conclab/internal/stdinwatch"
)

// wait serves the program (displays, stdin reads) until it ends or is
// stopped, then drains its output. It returns why the run was stopped, if
// it was, and what the program's Wait returned.
func (r *cellRun) wait(ctx context.Context) (stoppedBy *engine.Error, waitErr error) {
	stop := r.serve(ctx)
	stoppedBy, waitErr = r.await(ctx)
	r.wall = time.Since(r.started)
	r.pipes.Drain(procgroup.DrainTimeout)
	r.ordered.wait(procgroup.DrainTimeout)
	stop()
	return stoppedBy, waitErr
}

// serve starts the input pump, the display channel and the stdin watcher,
// and returns the function that stops them, in that order, once the
// program has ended: a pending input request must give up before the
// channel's Close (which waits for handlers), and Close delivers displays
// the program wrote just before exiting.
func (r *cellRun) serve(ctx context.Context) (stop func()) {
	inCtx, stopInput := context.WithCancel(ctx)
	in := engine.NewInputPump(inCtx, r.stdin, r.out, noInput)
	served := r.display.Start(ctx, handler{out: r.ordered, in: in})
	watchCtx, stopWatch := context.WithCancel(ctx)
	watched := make(chan error, 1)
	pid := r.pid()
	if r.debug != nil {
		pid = r.debug.Target() // the program reads stdin, not dlv
	}
	go func() {
		watched <- stdinwatch.Watch(watchCtx, pid, r.stdinW, 20*time.Millisecond, func() { in.Ask("", false) })
	}()
	return func() {
		stopInput()
		r.display.Close()
		<-served
		stopWatch()
		if err := <-watched; errors.Is(err, stdinwatch.ErrUnavailable) && !r.e.warnedStdin {
			r.e.warnedStdin = true
			r.out.Stream("stderr", "conclab: cannot see when programs read stdin here ("+err.Error()+"); input boxes will not appear\n")
		}
	}
}

// await waits for the program to end, or stops it: on Interrupt, when ctx
// ends, over the memory limit, or at the %timeout. Whatever it left running
// in its process group goes with it.
func (r *cellRun) await(ctx context.Context) (stoppedBy *engine.Error, waitErr error) {
	pid := r.pid()
	done := make(chan error, 1)
	if d := r.debug; d != nil {
		go func() {
			<-d.Ended()
			<-d.Exited()
			if d.ExitCode() != 0 {
				done <- debugExit{d.ExitCode()}
				return
			}
			done <- nil
		}()
	} else {
		go func() { done <- r.cmd.Wait() }()
	}
	// Under the debugger, stopping the program is telling Delve to.
	stop := func() error {
		if r.debug != nil {
			r.debug.Stop(r.e.opt.Grace)
		}
		return procgroup.Stop(pid, done, r.e.opt.Grace)
	}

	tree := r.e.opt.Limiter.Start(pid)
	r.closers.add(tree.Close)

	var timeout <-chan time.Time
	if r.st.Timeout > 0 {
		t := time.NewTimer(r.st.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case waitErr = <-done:
		procgroup.Kill(pid, syscall.SIGKILL) // what the program left running goes with it
	case <-r.proc.interrupt:
		stoppedBy = &engine.Error{Name: "Interrupted", Value: "the cell was interrupted"}
		r.trace.finish(done) // the trace so far is worth seeing: why did it hang?
		waitErr = stop()
	case <-ctx.Done():
		stoppedBy = &engine.Error{Name: "Interrupted", Value: "the cell was stopped"}
		waitErr = stop()
	case <-tree.Over():
		procgroup.Kill(pid, syscall.SIGKILL) // the limiter killed the tree; memory grows fast: no grace
		waitErr = <-done
	case <-timeout:
		stoppedBy = &engine.Error{Name: "Timeout", Value: fmt.Sprintf("the cell was stopped after %v (%%timeout)", r.st.Timeout)}
		r.trace.finish(done)
		waitErr = stop()
	}
	if r.debug != nil && r.debug.Target() != pid {
		// Delve gave the program a process group of its own, and a dlv
		// that died (or was killed) leaves it running.
		procgroup.Kill(r.debug.Target(), syscall.SIGKILL)
	}
	if b := tree.Breach(); b != nil && stoppedBy == nil {
		// Also when the program ended first: the OS killed a child for
		// want of memory, and the program went on without it.
		stoppedBy = engine.MemoryError(b)
	}
	return stoppedBy, waitErr
}

// handler passes displays, in order with stdout, and input requests of
// gonbui to the input pump.
type handler struct {
	out *orderedStdout
	in  *engine.InputPump
}

func (h handler) Display(d display.Data)             { h.out.display(d) }
func (h handler) Input(prompt string, password bool) { h.in.Ask(prompt, password) }

// Malformed says under the cell that its displays stop at a bad message
// (gob cannot find the next one).
func (h handler) Malformed(err error) {
	h.out.out.Stream("stderr", "conclab: "+err.Error()+"; the displays after it were dropped\n")
}

package compiled

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/procgroup"
	"github.com/conclab/conclab/internal/stdinwatch"
)

// process is a running cell program.
type process struct {
	cmd       *exec.Cmd
	interrupt chan struct{} // closed by Interrupt
	once      sync.Once
}

// Interrupt stops the running program, if any: SIGINT to its process group,
// SIGKILL after the grace period. It reports whether a program was running.
func (e *Engine) Interrupt() bool {
	e.mu.Lock()
	p := e.current
	e.mu.Unlock()
	if p == nil {
		return false
	}
	p.once.Do(func() { close(p.interrupt) })
	return true
}

// run starts bin and streams what it does to out until it ends, is
// interrupted, times out or ctx ends.
func (e *Engine) run(ctx context.Context, prog *cell.Program, bin string, st engine.Settings, out engine.Output) error {
	e.runs++
	runDir := filepath.Join(e.opt.Workspace.Dir, "run"+strconv.Itoa(e.runs))
	if err := os.Mkdir(runDir, 0o700); err != nil {
		return fmt.Errorf("run cell: %w", err)
	}
	defer os.RemoveAll(runDir)

	ch, err := display.Open(runDir)
	if err != nil {
		return fmt.Errorf("run cell: %w", err)
	}
	defer ch.Close()

	stdinR, stdinW, err := stdinwatch.Pipe()
	if err != nil {
		return fmt.Errorf("run cell: %w", err)
	}
	stdin := engine.NewStdin(stdinW)
	defer stdin.Close()

	cwd, _ := os.Getwd()
	cmd := exec.Command(bin, st.Args...)
	cmd.Args[0] = "cell"
	cmd.Dir = cwd
	cmd.Env = append(os.Environ(), ch.Env()...)
	if st.GOMAXPROCS > 0 {
		cmd.Env = append(cmd.Env, "GOMAXPROCS="+strconv.Itoa(st.GOMAXPROCS))
	}
	cmd.Env = append(cmd.Env, st.Env...)
	cmd.Env = raceOptions(cmd.Env)
	var tr *tracing
	if st.Trace {
		tr = newTracing(runDir)
		cmd.Env = append(cmd.Env, tr.env())
	}
	cmd.Stdin = stdinR
	budget := newOutputBudget(e.opt.MaxOutput)
	stdout := &streamWriter{name: "stdout", out: out, budget: budget}
	stderr := &streamWriter{name: "stderr", out: out, rewrite: prog.Rewrite, keepTail: 64 << 10, budget: budget}
	outR, outW, err := os.Pipe()
	if err != nil {
		stdinR.Close()
		return fmt.Errorf("run cell: %w", err)
	}
	defer outW.Close()
	ordered := newOrderedStdout(outR, stdout, out)
	cmd.Stdout = outW
	cmd.Stderr = stderr
	cmd.SysProcAttr = procgroup.Attr()
	pipes, err := procgroup.Pipes(&cmd.Stdout, &cmd.Stderr)
	if err != nil {
		stdinR.Close()
		outR.Close()
		return fmt.Errorf("run cell: %w", err)
	}

	var result *resultReader
	if prog.HasResult {
		if result, err = newResultReader(); err != nil {
			stdinR.Close()
			return fmt.Errorf("run cell: %w", err)
		}
		defer result.close()
		cmd.ExtraFiles = []*os.File{result.w} // fd 3 == cell.ResultFD
		cmd.Env = append(cmd.Env, cell.ResultEnv+"="+strconv.Itoa(cell.ResultFD))
	}

	p := &process{cmd: cmd, interrupt: make(chan struct{})}
	started := time.Now()
	if err := cmd.Start(); err != nil {
		stdinR.Close()
		pipes.Close()
		outR.Close()
		return fmt.Errorf("run cell: %w", err)
	}
	stdinR.Close()
	outW.Close()
	pipes.Started()
	go ordered.run()
	if result != nil {
		result.started()
	}
	e.mu.Lock()
	e.current = p
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.current = nil
		e.mu.Unlock()
	}()

	// The input pump, the display channel and the stdin watcher stop in that
	// order after the program ends: a pending input request must give up
	// before Close (which waits for handlers), and Close delivers displays
	// the program wrote just before exiting.
	inCtx, stopInput := context.WithCancel(ctx)
	defer stopInput()
	in := engine.NewInputPump(inCtx, stdin, out, noInput)
	served := ch.Start(ctx, handler{out: ordered, in: in})
	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	watched := make(chan error, 1)
	go func() {
		watched <- stdinwatch.Watch(watchCtx, cmd.Process.Pid, stdinW, 20*time.Millisecond, func() { in.Ask("", false) })
	}()

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	tree := e.opt.Limiter.Start(cmd.Process.Pid)
	defer tree.Close()

	var timeout <-chan time.Time
	if st.Timeout > 0 {
		t := time.NewTimer(st.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	var waitErr error
	var stoppedBy *engine.Error
	select {
	case waitErr = <-done:
		procgroup.Kill(cmd.Process.Pid, syscall.SIGKILL) // what the program left running goes with it
	case <-p.interrupt:
		stoppedBy = &engine.Error{Name: "Interrupted", Value: "the cell was interrupted"}
		tr.finish(done) // the trace so far is worth seeing: why did it hang?
		waitErr = procgroup.Stop(cmd.Process.Pid, done, e.opt.Grace)
	case <-ctx.Done():
		stoppedBy = &engine.Error{Name: "Interrupted", Value: "the cell was stopped"}
		waitErr = procgroup.Stop(cmd.Process.Pid, done, e.opt.Grace)
	case <-tree.Over():
		procgroup.Kill(cmd.Process.Pid, syscall.SIGKILL) // the limiter killed the tree; memory grows fast: no grace
		waitErr = <-done
	case <-timeout:
		stoppedBy = &engine.Error{Name: "Timeout", Value: fmt.Sprintf("the cell was stopped after %v (%%timeout)", st.Timeout)}
		tr.finish(done)
		waitErr = procgroup.Stop(cmd.Process.Pid, done, e.opt.Grace)
	}
	if b := tree.Breach(); b != nil && stoppedBy == nil {
		// Also when the program ended first: the OS killed a child for
		// want of memory, and the program went on without it.
		stoppedBy = engine.MemoryError(b)
	}
	wall := time.Since(started)
	pipes.Drain(procgroup.DrainTimeout)
	ordered.wait(procgroup.DrainTimeout)
	stopInput()
	ch.Close()
	<-served
	stopWatch()
	if err := <-watched; errors.Is(err, stdinwatch.ErrUnavailable) && !e.warnedStdin {
		e.warnedStdin = true
		out.Stream("stderr", "conclab: cannot see when programs read stdin here ("+err.Error()+"); input boxes will not appear\n")
	}
	stderr.flush()
	stdout.flush()
	if st.Time && cmd.ProcessState != nil {
		out.Stream("stdout", timeReport(wall, cmd.ProcessState))
	}
	if tr != nil {
		tr.report(out, prog)
	}

	if stoppedBy != nil {
		return stoppedBy
	}
	if waitErr == nil {
		if text, ok := result.value(); ok {
			out.Result(map[string]any{"text/plain": text})
		}
		return nil
	}
	var exit *exec.ExitError
	if !errors.As(waitErr, &exit) {
		return fmt.Errorf("run cell: %w", waitErr)
	}
	return exitError(exit, stderr.tail(), prog)
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

// noInput tells the user why a program's read of stdin ends at once.
const noInput = "conclab: the program reads stdin, but this frontend does not allow input; it gets end of file\n"

// exitSleep is how long a program built with the race detector waits at
// exit for races still being reported. The detector's default, a second,
// was most of a %race cell's time; a cell's goroutines that race while
// main returns are reported within a few milliseconds.
const exitSleep = "atexit_sleep_ms=50"

// raceOptions sets the race detector's exit sleep in env's GORACE, before
// any options a user gave (%env GORACE, the kernel's environment), which
// win over it.
func raceOptions(env []string) []string {
	user := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GORACE="); ok {
			user = v
		}
	}
	return append(env, strings.TrimSpace("GORACE="+exitSleep+" "+user))
}

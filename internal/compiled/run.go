package compiled

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/debugger"
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
// interrupted, times out or ctx ends. Its steps are setup, start, wait and
// report; whatever step fails, what the steps before it opened is closed
// once, by the run's closers.
func (e *Engine) run(ctx context.Context, prog *cell.Program, bin string, st engine.Settings, out engine.Output) error {
	r := &cellRun{e: e, prog: prog, st: st, out: out}
	defer r.close()
	if err := r.setup(bin); err != nil {
		return fmt.Errorf("run cell: %w", err)
	}
	if err := r.start(ctx); err != nil {
		return fmt.Errorf("run cell: %w", err)
	}
	e.setCurrent(r.proc)
	defer e.setCurrent(nil)
	stoppedBy, waitErr := r.wait(ctx)
	return r.report(stoppedBy, waitErr)
}

// setCurrent records the running program, for Interrupt.
func (e *Engine) setCurrent(p *process) {
	e.mu.Lock()
	e.current = p
	e.mu.Unlock()
}

// A cellRun is one run of a cell's program: what setup opened, and what
// start, wait and report share.
type cellRun struct {
	e    *Engine
	prog *cell.Program
	st   engine.Settings
	out  engine.Output
	// command runs instead of the binary with the %args, when set (a
	// %test cell runs its test binary under test2json).
	command []string

	// closers close what setup opened, at the end of the run; childEnds
	// are the ends of pipes the program inherits, closed in the kernel
	// once the program has started (or with closers, when it did not).
	closers, childEnds closers

	runDir  string
	cmd     *exec.Cmd
	proc    *process
	display *display.Channel
	stdinW  *os.File // the kernel's end of the program's stdin, for the watcher
	stdin   *engine.Stdin
	stdout  *streamWriter
	stderr  *streamWriter
	ordered *orderedStdout
	pipes   *procgroup.Output
	result  *resultReader     // nil when the cell shows no value
	debug   *debugger.Program // the program under Delve, when the debugger is on
	trace   *tracing          // nil without %trace
	started time.Time
	wall    time.Duration
}

// close is the one place that closes what the run opened: the program's
// ends of its pipes (when it did not start), then the kernel's.
func (r *cellRun) close() {
	r.childEnds.close()
	r.closers.close()
}

// setup makes the run's directory, pipes, display channel and command.
func (r *cellRun) setup(bin string) error {
	r.e.runs++
	r.runDir = filepath.Join(r.e.opt.Workspace.Dir, "run"+strconv.Itoa(r.e.runs))
	if err := os.Mkdir(r.runDir, 0o700); err != nil {
		return err
	}
	r.closers.add(func() { os.RemoveAll(r.runDir) })

	ch, err := display.Open(r.runDir)
	if err != nil {
		return err
	}
	r.display = ch
	r.closers.add(func() { ch.Close() })

	stdinR, stdinW, err := stdinwatch.Pipe()
	if err != nil {
		return err
	}
	r.stdinW, r.stdin = stdinW, engine.NewStdin(stdinW)
	r.closers.add(func() { r.stdin.Close() })
	r.childEnds.add(func() { stdinR.Close() })

	cwd, _ := os.Getwd()
	cmd := exec.Command(bin, r.st.Args...)
	cmd.Args[0] = "cell"
	if len(r.command) > 0 {
		cmd = exec.Command(r.command[0], r.command[1:]...)
	}
	cmd.Dir = cwd
	cmd.Env = append(os.Environ(), ch.Env()...)
	if r.st.GOMAXPROCS > 0 {
		cmd.Env = append(cmd.Env, "GOMAXPROCS="+strconv.Itoa(r.st.GOMAXPROCS))
	}
	cmd.Env = append(cmd.Env, r.st.Env...)
	cmd.Env = raceOptions(cmd.Env)
	if r.st.Trace {
		r.trace = newTracing(r.runDir)
		r.trace.title = r.st.TraceTitle
		cmd.Env = append(cmd.Env, r.trace.env())
	}
	cmd.Stdin = stdinR
	cmd.SysProcAttr = procgroup.Attr()
	r.cmd = cmd
	if err := r.setupOutput(); err != nil {
		return err
	}
	if r.prog.HasResult && r.e.debugging() && len(r.command) == 0 {
		// A debugger's program inherits no descriptor 3: a file instead.
		path := filepath.Join(r.runDir, "result")
		r.result = newResultFile(path)
		cmd.Env = append(cmd.Env, cell.ResultFileEnv+"="+path)
	} else if r.prog.HasResult {
		result, err := r.e.openResult()
		if err != nil {
			return err
		}
		r.result = result
		r.closers.add(result.close)
		r.childEnds.add(func() { result.w.Close() })
		cmd.ExtraFiles = []*os.File{result.w} // fd 3 == cell.ResultFD
		cmd.Env = append(cmd.Env, cell.ResultEnv+"="+strconv.Itoa(cell.ResultFD))
	}
	return nil
}

// setupOutput gives the program its stdout, a pipe read in order with its
// displays, and its stderr, a pipe copied line by line into cell terms.
func (r *cellRun) setupOutput() error {
	budget := newOutputBudget(r.e.opt.MaxOutput)
	r.stdout = &streamWriter{name: "stdout", out: r.out, budget: budget}
	r.stderr = &streamWriter{name: "stderr", out: r.out, rewrite: r.prog.Rewrite, keepTail: 64 << 10, budget: budget}
	outR, outW, err := os.Pipe()
	if err != nil {
		return err
	}
	r.closers.add(func() { outR.Close() })
	r.childEnds.add(func() { outW.Close() })
	r.ordered = newOrderedStdout(outR, r.stdout, r.out)
	r.cmd.Stdout = outW
	r.cmd.Stderr = r.stderr
	pipes, err := procgroup.Pipes(&r.cmd.Stdout, &r.cmd.Stderr)
	if err != nil {
		return err
	}
	r.pipes = pipes
	r.closers.add(pipes.Close)
	r.childEnds.add(pipes.Started)
	return nil
}

// start starts the program and the readers of its output: under Delve
// when the debugger is on.
func (r *cellRun) start(ctx context.Context) error {
	r.proc = &process{cmd: r.cmd, interrupt: make(chan struct{})}
	r.started = time.Now()
	if r.e.debugging() && len(r.command) == 0 {
		if err := r.startDebugged(ctx); err != nil {
			return err
		}
	} else if err := r.cmd.Start(); err != nil {
		return err
	}
	r.childEnds.close()
	go r.ordered.run()
	if r.result != nil {
		r.result.read()
	}
	return nil
}

// startDebugged has the debugger's Delve start the program, with the
// environment, directory and output the program would have had.
func (r *cellRun) startDebugged(ctx context.Context) error {
	publish := func(debugger.Message) {}
	if de, ok := r.out.(engine.DebugEvents); ok {
		publish = func(m debugger.Message) {
			if b, err := json.Marshal(m); err == nil {
				de.DebugEvent(b)
			}
		}
	}
	c := r.cmd
	bin, err := filepath.Abs(c.Path)
	if err != nil {
		return err
	}
	p, err := r.e.opt.Debugger.Launch(ctx, r.e.opt.Dlv, r.runDir, bin, c.Args[1:], r.e.debugCells(r.prog, r.prog.ID),
		func(d *exec.Cmd) {
			d.Dir, d.Env, d.Stdin, d.Stdout, d.Stderr, d.SysProcAttr = c.Dir, c.Env, c.Stdin, c.Stdout, c.Stderr, c.SysProcAttr
		}, publish)
	if err != nil {
		return err
	}
	r.debug = p
	return nil
}

// pid is the process the run waits for and stops: the program's, or
// under the debugger dlv's (the program is its child).
func (r *cellRun) pid() int {
	if r.debug != nil {
		return r.debug.Pid()
	}
	return r.cmd.Process.Pid
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

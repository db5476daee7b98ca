package live

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/live/internal/liveproto"
	"github.com/conclab/conclab/internal/memlimit"
)

// Options configure an Engine.
type Options struct {
	// Binary is the program started as the worker: one whose main calls
	// worker.Main (internal/live/worker). Defaults to WorkerName in the
	// directory of the running program, where make build and the installer
	// put it next to conclab.
	Binary string
	// Args are the worker's arguments (none by default).
	Args []string
	// Env is added to the kernel's environment for the worker (%env).
	Env []string
	// Dir is the worker's working directory; the kernel's when empty.
	Dir string
	// TempDir holds each worker's display FIFOs; os.TempDir() when empty.
	TempDir string
	// DisplayIDs names displays (gonbui.UpdateHTML); shared with the
	// compiled engine it keeps display ids unique in the notebook. A new set
	// when nil.
	DisplayIDs *display.DisplayIDs
	// Grace is how long an interrupted cell may take to stop before the
	// worker is replaced; 1.5s when zero.
	Grace time.Duration
	// Logger gets the engine's debug lines; nothing is logged when nil.
	Logger *slog.Logger
	// Limiter holds the worker, with what live cells start, to a memory
	// limit: over it, the worker is replaced and the cell fails with
	// MemoryLimit. No limit when nil.
	Limiter *memlimit.Limiter
}

// WorkerName is the file name of the worker program, which holds the
// interpreter: the kernel's own binary stays small and starts fast without it.
const WorkerName = "conclab-live"

// defaultWorker is WorkerName next to the running program.
func defaultWorker() string {
	self, err := os.Executable()
	if err != nil {
		return WorkerName // found on PATH, if anywhere
	}
	return filepath.Join(filepath.Dir(self), WorkerName)
}

// An Engine runs the live cells of one kernel session in a worker process.
// Execute calls must not overlap (the kernel runs cells one at a time);
// Interrupt, Names and Complete may be called at any time.
type Engine struct {
	opt Options

	execMu sync.Mutex // one Execute, Reset or Close at a time
	cells  int        // cell ids of requests
	closed bool

	mu       sync.Mutex
	closing  bool // Close began: start no worker
	proc     *proc
	out      engine.Output     // where output goes: the most recently executed cell
	running  chan struct{}     // a cell runs: Interrupt sends here
	input    *engine.InputPump // answers stdin reads of the running cell
	know     *knowledge
	imported map[string]string // packages the session imported
}

// Engine is an engine.Engine.
var _ engine.Engine = (*Engine)(nil)

// New makes an engine. The worker starts with the first live cell.
func New(opt Options) *Engine {
	if opt.Binary == "" {
		opt.Binary = defaultWorker()
	}
	if opt.Dir == "" {
		opt.Dir, _ = os.Getwd()
	}
	if opt.TempDir == "" {
		opt.TempDir = os.TempDir()
	}
	if opt.DisplayIDs == nil {
		opt.DisplayIDs = new(display.DisplayIDs)
	}
	if opt.Grace <= 0 {
		opt.Grace = 1500 * time.Millisecond
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	e := &Engine{opt: opt}
	e.forget()
	return e
}

// forget drops what the engine knows about the session (a new worker).
func (e *Engine) forget() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.know = &knowledge{packages: defaultPackages(), paths: knownPaths(), live: map[string]string{}, types: map[string]string{}}
	e.imported = map[string]string{}
}

// Execute runs c.Code (a live cell, its %live line blanked) in the
// session's interpreter; of c.Settings, only %time's and %trace's apply. Output,
// displays and the value of a last expression go to out; out keeps
// receiving what goroutines print after Execute returns, until the next
// Execute. A failure of the cell is returned as *engine.Error; other errors
// are the kernel's own.
func (e *Engine) Execute(ctx context.Context, c engine.Cell, out engine.Output) error {
	e.execMu.Lock()
	defer e.execMu.Unlock()
	if e.closed {
		return errors.New("live engine: closed")
	}
	e.mu.Lock()
	e.out = out
	e.mu.Unlock()

	pl, err := prepare(c.Code, c.ID, e.snapshot())
	if err != nil {
		return err
	}
	p, err := e.worker()
	if err != nil {
		return err
	}
	e.cells++
	id := e.cells
	interrupt := make(chan struct{}, 1)
	e.mu.Lock()
	e.running = interrupt
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		e.running = nil
		e.input = nil
		e.mu.Unlock()
	}()

	p.dropMarks()
	p.tail.Reset()
	cellCtx, endCell := context.WithCancel(context.Background())
	defer endCell()
	in := engine.NewInputPump(cellCtx, p.input, out, noInput)
	e.mu.Lock()
	e.input = in
	e.mu.Unlock()
	go e.watchStdin(cellCtx, p, in)
	req := liveproto.Request{Op: liveproto.OpExec, ID: id, Plan: pl, Cell: c.ID, Time: c.Settings.Time}
	if c.Settings.Trace {
		if req.Trace, err = newTraceFile(e.opt.TempDir); err != nil {
			return err
		}
		defer os.Remove(req.Trace) // however the cell ends
	}
	if err := p.send(req); err != nil {
		return e.lost(p, out, nil)
	}
	var grace <-chan time.Time
	interrupted := false
	for {
		select {
		case rep, ok := <-p.replies:
			if !ok {
				return e.lost(p, out, nil)
			}
			if rep.ID != id {
				continue // the answer to a cell whose wait ended early
			}
			return e.finish(p, pl, rep, out, c, req.Trace)
		case <-p.exited:
			return e.lost(p, out, nil)
		case <-p.overMemory():
			return e.lost(p, out, nil)
		case <-ctx.Done():
			if !interrupted {
				interrupted = true
				grace = e.interrupt(p)
			}
		case <-interrupt:
			if !interrupted {
				interrupted = true
				grace = e.interrupt(p)
			}
		case <-grace:
			return e.lost(p, out, &engine.Error{Name: "Interrupted",
				Value: "the cell could not be stopped (it is blocked where the interpreter cannot interrupt it)"})
		}
	}
}

// markWait bounds how long a finished cell waits for its output markers.
const markWait = 10 * time.Second

// interrupt asks the worker to stop the cell and returns the grace timer.
func (e *Engine) interrupt(p *proc) <-chan time.Time {
	if err := p.send(liveproto.Request{Op: liveproto.OpInterrupt}); err != nil {
		e.opt.Logger.Debug("live: interrupt", "err", err)
	}
	return time.After(liveproto.StuckGrace + e.opt.Grace)
}

// finish handles the reply of cell c, whose trace, if it asked for one, the
// worker wrote to tracePath.
func (e *Engine) finish(p *proc, pl *liveproto.Plan, rep *liveproto.Reply, out engine.Output, c engine.Cell, tracePath string) error {
	// The markers follow the cell's output on each stream; they always
	// come while the worker lives, so a long wait costs nothing unless the
	// machine is so busy (a first start building the standard library,
	// say) that the streams are read late, when a short one would let the
	// cell's output arrive after the cell has ended.
	p.waitMarks(markWait)
	if rep.Stuck && rep.Error != nil && rep.Error.Name == "Deadlock" {
		// The deadlocked cell did not stop: the worker is replaced.
		return e.lost(p, out, &engine.Error{Name: rep.Error.Name, Value: rep.Error.Value, Traceback: rep.Error.Traceback})
	}
	if rep.Stuck {
		return e.lost(p, out, &engine.Error{Name: "Interrupted",
			Value: "the cell could not be stopped (it is blocked where the interpreter cannot interrupt it)"})
	}
	if rep.Broken {
		// A cell that leaves yaegi in a bad state can make later cells run
		// old code again: a fresh interpreter is the only safe answer.
		return e.lost(p, out, &engine.Error{Name: rep.Error.Name, Value: rep.Error.Value, Traceback: rep.Error.Traceback})
	}
	e.learn(pl, rep)
	if rep.Time != nil {
		reportTime(out, rep.Time)
	}
	if c.Settings.Trace {
		reportTrace(out, tracePath, c.Settings.TraceTitle, c.ID, rep.Trace)
	}
	if rep.Goroutines > 0 {
		out.Stream("stderr", goroutineNote(rep.Goroutines))
	}
	if rep.Error != nil {
		return &engine.Error{Name: rep.Error.Name, Value: rep.Error.Value, Traceback: rep.Error.Traceback}
	}
	if rep.HasResult {
		out.Result(map[string]any{"text/plain": rep.Result})
	}
	return nil
}

// goroutineNote tells the user that live cells left goroutines running.
func goroutineNote(n int) string {
	if n == 1 {
		return "1 goroutine from live cells is still running\n"
	}
	return strconv.Itoa(n) + " goroutines from live cells are still running\n"
}

// lost handles a worker that ended or must end under a cell: it reports why
// and starts a fresh worker. why, when not nil, is the reason the engine
// ended it.
func (e *Engine) lost(p *proc, out engine.Output, why *engine.Error) error {
	p.kill()
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
	}
	p.drain(500 * time.Millisecond)
	stderr := p.tail.String()
	if b := p.breach(); b != nil {
		why = engine.MemoryError(b) // also when the worker ended first: the OS killed it for want of memory
	}
	e.drop(p)
	_, restartErr := e.worker()
	if why != nil {
		note := restartedNote
		if restartErr != nil {
			note = "the live session could not restart: " + restartErr.Error()
		}
		why.Traceback = append(why.Traceback, note)
		return why
	}
	return crashError(p.waitErr, stderr, restartErr)
}

// drop forgets a worker that is gone.
func (e *Engine) drop(p *proc) {
	e.mu.Lock()
	if e.proc == p {
		e.proc = nil // first, so that watch knows the end is expected
	}
	e.mu.Unlock()
	p.stop()
	e.forget()
}

// worker returns the running worker, starting one if needed.
func (e *Engine) worker() (*proc, error) {
	e.mu.Lock()
	p := e.proc
	e.mu.Unlock()
	if p != nil && !p.isExited() {
		return p, nil
	}
	if p != nil {
		e.drop(p)
	}
	e.mu.Lock()
	closing := e.closing
	e.mu.Unlock()
	if closing {
		return nil, errors.New("live engine: closed")
	}
	p, err := start(e.opt, e.emit, handler{e})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &engine.Error{Name: "LiveUnavailable",
			Value: "the live engine's worker program is missing: " + e.opt.Binary,
			Traceback: []string{
				"%live cells run in " + WorkerName + ", which make build builds and the installer puts next to conclab.",
				"Cells without %live run in the compiled engine as usual.",
			}}
	}
	if err != nil {
		return nil, fmt.Errorf("live engine: %w", err)
	}
	e.mu.Lock()
	e.proc = p
	e.mu.Unlock()
	go e.watch(p)
	return p, nil
}

// watch reports a worker that ends between cells (a goroutine panicked or
// called os.Exit): the cell that ran last shows it.
func (e *Engine) watch(p *proc) {
	<-p.exited
	e.mu.Lock()
	mine := e.proc == p && e.running == nil
	if mine {
		e.proc = nil
	}
	out := e.out
	e.mu.Unlock()
	if !mine {
		return // Execute, Reset or Close handle it
	}
	p.drain(500 * time.Millisecond)
	e.forget()
	p.stop()
	if out != nil {
		if b := p.breach(); b != nil {
			out.Stream("stderr", "MemoryLimit: "+b.Error()+"\n"+restartedNote+"\n")
			return
		}
		err := crashError(p.waitErr, p.tail.String(), nil)
		for _, l := range err.Traceback {
			out.Stream("stderr", l+"\n")
		}
	}
}

// emit routes output of the worker to the most recent cell.
func (e *Engine) emit(name string, text []byte) {
	e.mu.Lock()
	out := e.out
	e.mu.Unlock()
	if out != nil {
		out.Stream(name, string(text))
	} else {
		e.opt.Logger.Debug("live: output with no cell", "stream", name, "text", string(text))
	}
}

// Interrupt stops the running live cell, if any, and reports whether one was
// running. yaegi stops every goroutine of live cells with it. A cell that
// does not stop within the grace period ends its worker.
func (e *Engine) Interrupt() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.running == nil {
		return false
	}
	select {
	case e.running <- struct{}{}:
	default:
	}
	return true
}

// Running reports whether a worker holds a live session now.
func (e *Engine) Running() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.proc != nil
}

// Reset ends the session (%live reset): variables, functions, types and
// goroutines are gone; the next live cell starts a new worker.
func (e *Engine) Reset() error {
	e.execMu.Lock()
	defer e.execMu.Unlock()
	e.mu.Lock()
	p := e.proc
	e.mu.Unlock()
	if p != nil {
		e.drop(p)
	}
	e.forget()
	return nil
}

// Close ends the worker and everything it started, at once, even while a
// cell runs (that Execute returns); the engine runs no more cells.
func (e *Engine) Close() error {
	e.mu.Lock()
	e.closing = true
	p := e.proc
	e.mu.Unlock()
	if p != nil {
		p.kill()
	}
	e.execMu.Lock()
	defer e.execMu.Unlock()
	e.closed = true
	e.mu.Lock()
	p = e.proc
	e.mu.Unlock()
	if p != nil {
		e.drop(p)
	}
	return nil
}

// handler passes the worker's displays to the most recent cell.
type handler struct{ e *Engine }

func (h handler) Display(d display.Data) {
	h.e.mu.Lock()
	out := h.e.out
	h.e.mu.Unlock()
	if out != nil {
		out.Display(d)
	}
}

// Malformed tells the most recent cell that the worker's display stream
// broke: displays stay off until the worker is replaced.
func (h handler) Malformed(err error) {
	h.e.emit("stderr", []byte("conclab: "+err.Error()+
		"; displays of this live session are off until it restarts (%live reset)\n"))
}

// Input answers gonbui.RequestInput while a cell runs: the line goes to the
// worker's stdin.
func (h handler) Input(prompt string, password bool) {
	h.e.mu.Lock()
	in := h.e.input
	h.e.mu.Unlock()
	if in != nil {
		in.Ask(prompt, password)
	}
}

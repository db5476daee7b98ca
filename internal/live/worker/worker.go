package worker

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sync"
	"syscall"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/traefik/yaegi/interp"

	"github.com/conclab/conclab/internal/live/internal/liveproto"
)

// Main runs the live worker, the interpreter of one live session, and
// returns the process exit code. The conclab-live program is this function;
// only an Engine starts it (it refuses to run otherwise).
func Main() int {
	if os.Getenv(liveproto.WorkerEnv) != "1" {
		fmt.Fprintln(os.Stderr, "conclab-live is started by the conclab kernel for %live cells, not by hand")
		return 2
	}
	mark := os.Getenv(liveproto.MarkEnv)
	os.Unsetenv(liveproto.WorkerEnv)
	os.Unsetenv(liveproto.MarkEnv)
	// The runtime read GOTRACEBACK=none at start; programs the cells start
	// get the user's setting back.
	if tb := os.Getenv(liveproto.TracebackEnv); tb == "-" {
		os.Unsetenv("GOTRACEBACK")
	} else if tb != "" {
		os.Setenv("GOTRACEBACK", tb)
	}
	os.Unsetenv(liveproto.TracebackEnv)

	w, err := newWorker(mark)
	if err != nil {
		fmt.Fprintln(os.Stderr, "conclab live worker:", err)
		return 1
	}
	return w.serve()
}

// worker is the interpreter side of a live session.
type worker struct {
	requests *bufio.Reader
	replies  *os.File
	marks    []*os.File // private copies of stdout and stderr, for markers
	mark     []byte

	in       *interp.Interpreter
	imported map[string]string // package name -> path, in the session
	lastLive map[string]string
	gs       *goroutines
	timers   *timers     // the timers interpreted code started
	lines    *blockLines // the cell line each goroutine last could block at
	cell     int         // the running cell's execution count

	mu     sync.Mutex
	cancel context.CancelFunc // of the running cell
}

func newWorker(mark string) (*worker, error) {
	if mark == "" {
		return nil, errors.New("no stream marker in the environment")
	}
	w := &worker{
		requests: bufio.NewReaderSize(os.NewFile(liveproto.RequestFD, "conclab-requests"), 64<<10),
		replies:  os.NewFile(liveproto.ReplyFD, "conclab-replies"),
		mark:     liveproto.MarkBytes(mark),
		imported: map[string]string{},
	}
	for _, fd := range []int{1, 2} {
		// A cell may close os.Stdout; the markers still need a way out.
		nfd, err := syscall.Dup(fd)
		if err != nil {
			return nil, fmt.Errorf("dup stream %d: %w", fd, err)
		}
		syscall.CloseOnExec(nfd)
		w.marks = append(w.marks, os.NewFile(uintptr(nfd), "conclab-mark"))
	}
	syscall.CloseOnExec(liveproto.RequestFD)
	syscall.CloseOnExec(liveproto.ReplyFD)
	w.timers, w.lines = &timers{}, newBlockLines()
	in, err := newInterpreter(w.timers, w.lines)
	if err != nil {
		return nil, err
	}
	w.in = in
	return w, nil
}

// newInterpreter makes the session's interpreter with the standard library,
// the unrestricted symbols (os.Exit really exits, os/exec works) and the
// project's packages; t records the timers its code starts, and b the
// lines cells mark.
func newInterpreter(t *timers, b *blockLines) (*interp.Interpreter, error) {
	in := interp.New(interp.Options{
		Stdin:        os.Stdin,
		Stdout:       os.Stdout,
		Stderr:       &panicLines{w: os.Stderr},
		Unrestricted: true,
		Env:          os.Environ(),
	})
	for _, s := range append(tables(), t.symbols(), b.symbols()) {
		if err := in.Use(s); err != nil {
			return nil, fmt.Errorf("load symbols: %w", err)
		}
	}
	if _, err := in.Eval(markImport); err != nil {
		return nil, fmt.Errorf("import the line marker: %w", err)
	}
	return in, nil
}

// serve answers requests until the Engine closes its end.
func (w *worker) serve() int {
	execs := make(chan *liveproto.Request, 1)
	go w.read(execs)
	w.gs = newGoroutines() // after the worker's own goroutines started
	if err := liveproto.WriteFrame(w.replies, liveproto.Reply{ID: 0}); err != nil {
		return 1
	}
	for req := range execs {
		rep := w.exec(req)
		w.writeMarks()
		if err := liveproto.WriteFrame(w.replies, rep); err != nil {
			return 1
		}
	}
	return 0
}

// read passes exec requests to serve and handles interrupts at once. The
// end of the requests ends the worker, whatever is running: the Engine is
// gone.
func (w *worker) read(execs chan<- *liveproto.Request) {
	for {
		line, err := liveproto.ReadFrame(w.requests, liveproto.MaxFrame)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				fmt.Fprintln(os.Stderr, "conclab live worker:", err)
			}
			os.Exit(0)
		}
		req, err := liveproto.DecodeRequest(line)
		if err != nil {
			fmt.Fprintln(os.Stderr, "conclab live worker:", err)
			continue
		}
		if req.Op == liveproto.OpInterrupt {
			w.interrupt()
			continue
		}
		execs <- req
	}
}

func (w *worker) interrupt() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel != nil {
		w.cancel()
	}
}

// writeMarks ends the cell on both streams.
func (w *worker) writeMarks() {
	for _, f := range w.marks {
		f.Write(w.mark)
	}
}

// exec runs one plan.
func (w *worker) exec(req *liveproto.Request) *liveproto.Reply {
	ctx, cancel := context.WithCancel(context.Background())
	w.mu.Lock()
	w.cancel = cancel
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.cancel = nil
		w.mu.Unlock()
		cancel()
	}()

	rep := &liveproto.Reply{ID: req.ID}
	w.cell = req.Cell
	m := startMeasure(req, w.gs, w.lines)
	rep.Error, rep.Stuck = w.run(ctx, req.Plan, rep)
	m.stop(rep)
	rep.Broken = rep.Error != nil && rep.Error.Name == interpreterError
	rep.Goroutines = w.gs.count()
	w.lines.prune(w.gs)
	if w.gs.gonbui {
		syncDisplays()
	}
	if live := w.live(); !sameKinds(live, w.lastLive) {
		rep.Live, w.lastLive = live, live
	}
	return rep
}

// run evaluates the plan's parts in order and stops at the first failure.
func (w *worker) run(ctx context.Context, p *liveproto.Plan, rep *liveproto.Reply) (*liveproto.CellError, bool) {
	for _, imp := range p.Imports {
		if have, ok := w.imported[imp.Name]; ok && (imp.Auto || have == imp.Path) {
			continue
		}
		if _, err, stuck := w.eval(ctx, imp.Source(), imp.Line); err != nil || stuck {
			return err, stuck
		}
		w.imported[imp.Name] = imp.Path
		if rep.Imported == nil {
			rep.Imported = map[string]string{}
		}
		rep.Imported[imp.Name] = imp.Path
	}
	for i, seg := range p.Segments {
		v, err, stuck := w.eval(ctx, seg.Src, 0)
		if err != nil || stuck {
			return err, stuck
		}
		if p.Show && i == len(p.Segments)-1 {
			rep.Result, rep.HasResult = showValue(v)
		}
	}
	return nil, false
}

// eval compiles and runs src. line, when not 0, is the cell line of a
// one-line src (an import). stuck reports an interrupted run that did not
// stop.
func (w *worker) eval(ctx context.Context, src string, line int) (v reflect.Value, cerr *liveproto.CellError, stuck bool) {
	prog, cerr := w.compile(src, line)
	if cerr != nil {
		return v, cerr, false
	}
	v, waiters, err := w.execute(ctx, prog)
	if waiters != nil {
		cerr, stuck := deadlockError(waiters, w.cell), !w.gs.evalEnded(liveproto.StuckGrace)
		if !stuck {
			cerr.Traceback = append(cerr.Traceback, "The session's variables stay; its blocked goroutines stay blocked.")
		}
		return v, cerr, stuck
	}
	if ctx.Err() != nil {
		return v, &liveproto.CellError{Name: "Interrupted", Value: "the cell was interrupted",
			Traceback: []string{"Goroutines of live cells stop too, the next time they run interpreted code; variables stay."}}, !w.gs.evalEnded(liveproto.StuckGrace)
	}
	if err != nil {
		return v, runError(err), false
	}
	return v, nil, false
}

// deadlockWatch is how often the deadlock watcher looks at the goroutines
// of a running cell: three looks in a row find them all blocked before the
// cell is stopped.
const deadlockWatch = 250 * time.Millisecond

// execute runs prog while watching for a deadlock of the session's
// goroutines (see watchDeadlock). waiters, when not nil, are the blocked
// goroutines of a deadlock, and the cell was stopped.
func (w *worker) execute(ctx context.Context, prog *interp.Program) (v reflect.Value, waiters []waiter, err error) {
	cellCtx, stop := context.WithCancel(ctx)
	defer stop()
	watchCtx, endWatch := context.WithCancel(ctx)
	found := make(chan []waiter, 1)
	go func() {
		ws := w.gs.watchDeadlock(watchCtx, w.timers, w.lines, deadlockWatch)
		if ws != nil {
			stop()
		}
		found <- ws
	}()
	v, err = w.in.ExecuteWithContext(cellCtx, prog)
	endWatch()
	return v, <-found, err
}

// interpreterError names a failure of yaegi itself.
const interpreterError = "InterpreterError"

// compile compiles src, turning the interpreter's own panics into errors.
func (w *worker) compile(src string, line int) (prog *interp.Program, cerr *liveproto.CellError) {
	defer func() {
		if r := recover(); r != nil {
			cerr = &liveproto.CellError{Name: interpreterError,
				Value: fmt.Sprintf("the live interpreter failed on this cell: %v", r),
				Traceback: []string{
					fmt.Sprintf("the live interpreter failed on this cell: %v", r),
					"The cell probably uses a construct yaegi does not support; the interpreter may be left in a bad state.",
					"Run the cell without %live to use the compiled engine, which supports all of Go 1.26.",
				}}
		}
	}()
	prog, err := w.in.Compile(src)
	if err != nil {
		return nil, compileError(err, line)
	}
	return prog, nil
}

// syncDisplays waits until the kernel has handled every display the cell
// sent, so that they show before the cell ends. gonbui.Sync waits for the
// kernel's answer; a broken display channel must not hang the worker.
func syncDisplays() {
	done := make(chan struct{})
	go func() {
		gonbui.Sync()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
}

// live lists the session's variables and constants with their kinds.
func (w *worker) live() map[string]string {
	out := map[string]string{}
	for name, v := range w.in.Globals() {
		if name == "_" {
			continue
		}
		kind := "invalid"
		if v.IsValid() {
			kind = v.Kind().String()
		}
		out[name] = kind
	}
	return out
}

func sameKinds(a, b map[string]string) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for k, v := range a {
		if bv, ok := b[k]; !ok || bv != v {
			return false
		}
	}
	return true
}

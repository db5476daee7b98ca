package live

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/live/internal/liveproto"
	"github.com/conclab/conclab/internal/memlimit"
	"github.com/conclab/conclab/internal/procgroup"
	"github.com/conclab/conclab/internal/stdinwatch"
	"github.com/conclab/conclab/internal/workspace"
)

// proc is a running worker process, seen from the Engine.
type proc struct {
	cmd     *exec.Cmd
	pid     int
	req     *os.File // requests, to the worker's fd 3
	reqMu   sync.Mutex
	replies chan *liveproto.Reply // closed when the liveproto.Reply stream ends
	exited  chan struct{}         // closed once the process is gone
	waitErr error                 // set before exited closes

	marks   [2]chan struct{} // one per stream: stdout, stderr
	streams sync.WaitGroup   // the stream readers
	tail    *tailBuffer      // the end of stderr, for crash reports
	stdin   *os.File         // the worker's stdin, watched for reads
	input   *engine.Stdin    // stdin, for the answers to input requests
	dir     string           // the display FIFOs live here
	disp    *display.Channel
	served  <-chan error

	tree *memlimit.Tree // the worker's memory limit; nil without one

	stopOnce sync.Once
}

// startTimeout bounds the worker's start: building the interpreter with its
// symbol tables takes a fraction of a second.
const startTimeout = 30 * time.Second

// start runs a worker. emit receives its output; h its displays.
func start(opt Options, emit func(name string, text []byte), h display.Handler) (_ *proc, err error) {
	mark, err := newMark()
	if err != nil {
		return nil, err
	}
	p := &proc{replies: make(chan *liveproto.Reply, 4), exited: make(chan struct{}), tail: newTailBuffer(64 << 10)}
	p.marks[0], p.marks[1] = make(chan struct{}, 16), make(chan struct{}, 16)

	var closers []io.Closer // the child's ends, closed in the parent once it started
	defer func() {
		for _, c := range closers {
			c.Close()
		}
		if err != nil {
			p.release()
		}
	}()
	if p.dir, err = os.MkdirTemp(opt.TempDir, "conclab-live-"); err != nil {
		return nil, fmt.Errorf("start live worker: %w", err)
	}
	// A kernel killed with SIGKILL cannot remove it: the next kernel's
	// sweep does, knowing its owner is gone.
	if err = workspace.Claim(p.dir); err != nil {
		return nil, fmt.Errorf("start live worker: %w", err)
	}
	if p.disp, err = display.Open(p.dir, display.WithLogger(opt.Logger), display.WithWorkDir(opt.Dir)); err != nil {
		return nil, fmt.Errorf("start live worker: %w", err)
	}
	pipe := func() (r, w *os.File) {
		if err != nil {
			return nil, nil
		}
		r, w, err = os.Pipe()
		return r, w
	}
	reqR, reqW := pipe()
	repR, repW := pipe()
	outR, outW := pipe()
	errR, errW := pipe()
	var inR, inW *os.File
	if err == nil {
		inR, inW, err = stdinwatch.Pipe() // blocking for the worker, so its reads show
	}
	if err != nil {
		for _, f := range []*os.File{reqR, reqW, repR, repW, outR, outW, errR, errW, inR, inW} {
			if f != nil {
				f.Close()
			}
		}
		return nil, fmt.Errorf("start live worker: %w", err)
	}
	closers = append(closers, reqR, repW, outW, errW, inR)
	p.req, p.stdin, p.input = reqW, inW, engine.NewStdin(inW)

	cmd := exec.Command(opt.Binary, opt.Args...)
	cmd.Dir = opt.Dir
	cmd.Env = append(os.Environ(), opt.Env...)
	cmd.Env = append(cmd.Env, p.disp.Env()...)
	traceback, ok := os.LookupEnv("GOTRACEBACK")
	if !ok {
		traceback = "-"
	}
	cmd.Env = append(cmd.Env, liveproto.WorkerEnv+"=1", liveproto.MarkEnv+"="+mark, liveproto.TracebackEnv+"="+traceback, "GOTRACEBACK=none")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	cmd.ExtraFiles = []*os.File{reqR, repW} // fds 3 and 4
	cmd.SysProcAttr = procgroup.Attr()
	if err = cmd.Start(); err != nil {
		for _, f := range []*os.File{reqW, repR, outR, errR, inW} {
			f.Close()
		}
		p.req, p.stdin, p.input = nil, nil, nil
		return nil, fmt.Errorf("start live worker: %w", err)
	}
	p.cmd, p.pid = cmd, cmd.Process.Pid
	if opt.Limiter != nil {
		p.tree = opt.Limiter.Start(p.pid)
	}
	p.served = p.disp.Start(context.Background(), h)

	p.streams.Add(2)
	go p.pump(outR, "stdout", liveproto.MarkBytes(mark), p.marks[0], emit)
	go p.pump(errR, "stderr", liveproto.MarkBytes(mark), p.marks[1], emit)
	go p.readReplies(repR)
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()

	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case rep, ok := <-p.replies:
		if ok && rep.ID == 0 {
			return p, nil
		}
		err = errors.New("start live worker: no greeting from the worker")
	case <-p.exited:
		p.drain(time.Second)
		err = fmt.Errorf("start live worker: %s", exitText(p.waitErr, p.tail.String()))
	case <-timer.C:
		err = fmt.Errorf("start live worker: no answer after %v", startTimeout)
	}
	return nil, err
}

// newMark makes the end-of-cell marker of one worker: random, so that no
// program prints it by chance.
func newMark() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("start live worker: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// pump copies one output stream of the worker to emit, signalling markers.
func (p *proc) pump(r *os.File, name string, mark []byte, marks chan<- struct{}, emit func(string, []byte)) {
	defer p.streams.Done()
	defer r.Close()
	sp := &markSplitter{mark: mark}
	send := func(b []byte) {
		if name == "stderr" {
			p.tail.Write(b)
		}
		emit(name, b)
	}
	signal := func() {
		select {
		case marks <- struct{}{}:
		default: // nobody waits for that many: drop, never block output
		}
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			sp.feed(buf[:n], send, signal)
		}
		if err != nil {
			sp.flush(send)
			return
		}
	}
}

// readReplies decodes the worker's replies until the stream ends or breaks.
func (p *proc) readReplies(r *os.File) {
	defer close(p.replies)
	defer r.Close()
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := liveproto.ReadFrame(br, liveproto.MaxFrame)
		if err != nil {
			return
		}
		rep, err := liveproto.DecodeReply(line)
		if err != nil {
			// Something else wrote on the reply pipe: the worker cannot be
			// trusted any more.
			p.kill()
			return
		}
		p.replies <- rep
	}
}

// send writes a request to the worker.
func (p *proc) send(req liveproto.Request) error {
	p.reqMu.Lock()
	defer p.reqMu.Unlock()
	if p.req == nil {
		return errors.New("live worker: stopped")
	}
	return liveproto.WriteFrame(p.req, req)
}

// waitMarks waits for the end-of-cell marker on both streams, or the end of
// the worker, at most timeout.
func (p *proc) waitMarks(timeout time.Duration) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for _, m := range p.marks {
		select {
		case <-m:
		case <-p.exited:
			return
		case <-timer.C:
			return
		}
	}
}

// dropMarks forgets markers of earlier cells that came too late.
func (p *proc) dropMarks() {
	for _, m := range p.marks {
		for len(m) > 0 {
			<-m
		}
	}
}

// drain waits at most timeout for the output streams to end (after the
// worker ended; a process it started may still hold them open).
func (p *proc) drain(timeout time.Duration) {
	done := make(chan struct{})
	go func() {
		p.streams.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(timeout):
	}
}

// kill ends the worker and everything it started.
func (p *proc) kill() {
	if p.pid > 0 {
		procgroup.Kill(p.pid, syscall.SIGKILL)
	}
}

// stop kills the worker, waits for it, and releases what it used.
func (p *proc) stop() {
	p.stopOnce.Do(func() {
		p.kill()
		if p.cmd != nil {
			select {
			case <-p.exited:
			case <-time.After(5 * time.Second):
			}
		}
		p.drain(procgroup.DrainTimeout)
		p.release()
	})
}

// overMemory is closed once the worker's tree went over the memory limit
// and was killed; nil, never ready, without a limit.
func (p *proc) overMemory() <-chan struct{} {
	if p.tree == nil {
		return nil
	}
	return p.tree.Over()
}

// breach is the worker's memory limit breach, if it went over.
func (p *proc) breach() *memlimit.Breach {
	if p.tree == nil {
		return nil
	}
	return p.tree.Breach()
}

// release closes the kernel's ends, removes the display FIFOs and ends
// the memory limit's watch (killing what is left of the worker's tree).
func (p *proc) release() {
	if p.tree != nil {
		p.tree.Close()
	}
	p.reqMu.Lock()
	if p.req != nil {
		p.req.Close()
		p.req = nil
	}
	p.reqMu.Unlock()
	if p.input != nil {
		p.input.Close()
	}
	if p.disp != nil {
		p.disp.Close()
		if p.served != nil {
			<-p.served
		}
	}
	if p.dir != "" {
		os.RemoveAll(p.dir)
	}
}

// isExited reports whether the worker process has ended.
func (p *proc) isExited() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

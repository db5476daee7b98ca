package live

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"time"

	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/stdinwatch"
)

// inputPump answers reads of the worker's stdin with lines from the
// frontend, while a cell runs. A read between cells waits for the next cell.
type inputPump struct {
	mu     sync.Mutex
	w      *os.File // the worker's stdin
	out    engine.Output
	ctx    context.Context // ends with the cell
	closed *bool           // the session's stdin is at end of file
}

// ask is called when the worker waits on stdin, and for gonbui.RequestInput.
// gonbui's request and the watcher fire for the same read: a request while
// one is pending is that duplicate and is dropped.
func (p *inputPump) ask(prompt string, password bool) {
	if !p.mu.TryLock() {
		return
	}
	defer p.mu.Unlock()
	if *p.closed {
		return
	}
	line, err := p.out.Input(p.ctx, prompt, password)
	if err != nil {
		if errors.Is(err, engine.ErrNoStdin) {
			// Without an input box the read would wait forever, in a place
			// an interrupt cannot reach; end of file is the honest answer.
			p.out.Stream("stderr", "conclab: the cell reads stdin, but this frontend does not allow input; the live session's stdin is now at end of file\n")
			*p.closed = true
			p.w.Close()
		}
		return
	}
	go io.WriteString(p.w, line+"\n") // never block the pump on a full pipe
}

// watchStdin runs the stdin watcher on the worker for one cell.
func (e *Engine) watchStdin(ctx context.Context, p *proc, in *inputPump) {
	err := stdinwatch.Watch(ctx, p.pid, p.stdin, 20*time.Millisecond, func() { in.ask("", false) })
	if errors.Is(err, stdinwatch.ErrUnavailable) {
		e.opt.Logger.Debug("live: cannot see stdin reads", "err", err)
	}
}

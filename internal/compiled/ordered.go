package compiled

import (
	"errors"
	"os"
	"time"

	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/engine"
)

// orderedStdout reads the program's stdout and publishes its displays in the
// order the program produced them. They come on different pipes (stdout and
// gonbui's), so without care a display could overtake text printed before
// it. The program writes its text before it sends the display, so when a
// display arrives, everything already in the stdout pipe came first: the
// pump drains the pipe, then publishes the display.
type orderedStdout struct {
	r        *os.File // the kernel's end of the stdout pipe (pollable)
	w        *streamWriter
	out      engine.Output
	displays chan display.Data // at most one waits: displays come one by one
	shown    chan struct{}
	done     chan struct{}
}

func newOrderedStdout(r *os.File, w *streamWriter, out engine.Output) *orderedStdout {
	return &orderedStdout{r: r, w: w, out: out,
		displays: make(chan display.Data, 1), shown: make(chan struct{}), done: make(chan struct{})}
}

// run copies stdout until end of file (or until the pipe is closed).
func (o *orderedStdout) run() {
	defer close(o.done)
	buf := make([]byte, 32<<10)
	for {
		select {
		case d := <-o.displays:
			o.drain(buf)
			o.out.Display(d)
			o.shown <- struct{}{}
			continue
		default:
		}
		n, err := o.r.Read(buf)
		if n > 0 {
			o.w.Write(buf[:n])
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			_ = o.r.SetReadDeadline(time.Time{}) // woken for a display
			continue
		}
		if err != nil {
			return
		}
	}
}

// drain copies what the pipe holds now, without waiting for more.
func (o *orderedStdout) drain(buf []byte) {
	_ = o.r.SetReadDeadline(time.Now())
	for {
		n, err := o.r.Read(buf)
		if n > 0 {
			o.w.Write(buf[:n])
		}
		if err != nil {
			break
		}
	}
	_ = o.r.SetReadDeadline(time.Time{})
}

// display publishes d after the text printed before it.
func (o *orderedStdout) display(d display.Data) {
	select {
	case <-o.done: // stdout is closed: nothing left to order against
		o.out.Display(d)
		return
	case o.displays <- d:
	}
	_ = o.r.SetReadDeadline(time.Now()) // wake the pump from its Read
	select {
	case <-o.shown:
	case <-o.done:
		// The pump ended first; if it never took d, show it here.
		select {
		case d := <-o.displays:
			o.out.Display(d)
		default:
		}
	}
}

// wait waits for the pump to reach end of file, at most timeout (a process
// that left the group may hold stdout open), then closes the pipe.
func (o *orderedStdout) wait(timeout time.Duration) {
	select {
	case <-o.done:
	case <-time.After(timeout):
	}
	o.r.Close()
	<-o.done
}

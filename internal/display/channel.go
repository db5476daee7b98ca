package display

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// ErrClosed is returned by Serve on a Channel that was closed.
var ErrClosed = errors.New("display channel closed")

// Channel is the kernel's end of the gonbui pipes for one run of a program.
type Channel struct {
	dir      string
	pipe     string   // GONB_PIPE: program -> kernel
	pipeBack string   // GONB_PIPE_BACK: kernel -> program
	rd       *os.File // read end of pipe
	keep     *os.File // our own writer on pipe, so reads see no EOF before Close
	back     *os.File // pipeBack, opened read-write
	opt      options

	mu     sync.Mutex
	closed bool
	done   chan struct{} // made when Serve begins, closed when it returns

	closeOnce sync.Once
	closeErr  error
}

// Open makes the two FIFOs (mode 0600) in dir, which the caller owns and
// removes, and opens the kernel's ends of them. It never blocks.
func Open(dir string, opts ...Option) (*Channel, error) {
	c := &Channel{opt: options{grace: DefaultGrace}}
	for _, o := range opts {
		o(&c.opt)
	}
	if c.opt.log == nil {
		c.opt.log = slog.New(slog.DiscardHandler)
	}
	if c.opt.ids == nil {
		c.opt.ids = new(DisplayIDs)
	}
	var err error
	if c.dir, err = filepath.Abs(dir); err != nil {
		return nil, fmt.Errorf("open display channel: %w", err)
	}
	if c.opt.workDir == "" {
		if c.opt.workDir, err = os.Getwd(); err != nil {
			return nil, fmt.Errorf("open display channel: %w", err)
		}
	}
	if err := c.open(); err != nil {
		c.release()
		return nil, fmt.Errorf("open display channel: %w", err)
	}
	return c, nil
}

func (c *Channel) open() error {
	var err error
	if c.pipe, err = makeFIFO(c.dir, ""); err != nil {
		return err
	}
	if c.pipeBack, err = makeFIFO(c.dir, "-back"); err != nil {
		return err
	}
	// O_NONBLOCK makes the open return at once although no writer exists yet;
	// reads still wait, in the runtime poller.
	if c.rd, err = os.OpenFile(c.pipe, os.O_RDONLY|syscall.O_NONBLOCK, 0); err != nil {
		return err
	}
	// With a reader present this open cannot block or fail with ENXIO.
	if c.keep, err = os.OpenFile(c.pipe, os.O_WRONLY|syscall.O_NONBLOCK, 0); err != nil {
		return err
	}
	// Read-write: never blocks, and the program's read-only open of the
	// back pipe finds a writer at once.
	if c.back, err = os.OpenFile(c.pipeBack, os.O_RDWR|syscall.O_NONBLOCK, 0); err != nil {
		return err
	}
	return nil
}

// Env returns the environment variables a gonbui program needs: the two pipes
// (GONB_PIPE, GONB_PIPE_BACK), GONB_TMP_DIR (the channel's directory) and
// GONB_DIR (the working directory, see WithWorkDir).
func (c *Channel) Env() []string {
	return []string{
		protocol.GONB_PIPE_ENV + "=" + c.pipe,
		protocol.GONB_PIPE_BACK_ENV + "=" + c.pipeBack,
		protocol.GONB_TMP_DIR_ENV + "=" + c.dir,
		protocol.GONB_DIR_ENV + "=" + c.opt.workDir,
	}
}

// Close is Shutdown with a context that ends after the grace period
// (DefaultGrace, or WithGrace).
func (c *Channel) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), c.opt.grace)
	defer cancel()
	return c.Shutdown(ctx)
}

// Shutdown ends the channel. Call it once the program has ended: everything
// the program wrote is still delivered to the Handler, then Serve returns.
// If the program (or anything it passed its pipe to) still holds its end open
// when ctx ends, Shutdown stops reading anyway. Either way it removes both
// FIFOs, closes the kernel's ends (so a program still running sees a broken
// pipe instead of blocking), and waits for Serve to return, which includes
// waiting for a Handler call in progress. Only the first call does the work;
// later calls return its result.
func (c *Channel) Shutdown(ctx context.Context) error {
	c.closeOnce.Do(func() { c.closeErr = c.shutdown(ctx) })
	return c.closeErr
}

func (c *Channel) shutdown(ctx context.Context) error {
	c.mu.Lock()
	c.closed = true
	done := c.done
	c.mu.Unlock()

	// Without our writer, the stream ends once the program's end is closed.
	var errs []error
	if err := c.keep.Close(); err != nil {
		errs = append(errs, err)
	}
	c.keep = nil
	if done != nil {
		select {
		case <-done:
		case <-ctx.Done():
			c.opt.log.Debug("display: program still holds its pipe; stop reading", "pipe", c.pipe)
		}
	}
	errs = append(errs, c.release()...)
	if done != nil {
		<-done
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("close display channel: %w", err)
	}
	return nil
}

// release removes the FIFOs, then closes what is open. Removing first matters:
// a FIFO with no reader would make a late open by the program block forever.
func (c *Channel) release() []error {
	var errs []error
	for _, p := range []string{c.pipe, c.pipeBack} {
		if p == "" {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	for _, f := range []*os.File{c.keep, c.rd, c.back} {
		if f == nil {
			continue
		}
		if err := f.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

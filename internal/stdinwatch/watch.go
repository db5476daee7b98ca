package stdinwatch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// Waiting reports whether any thread of process pid is blocked reading its
// fd 0. For a process that has ended and been reaped it returns an error that
// matches os.ErrProcessDone; where /proc cannot tell, one that matches
// ErrUnavailable.
func Waiting(pid int) (bool, error) {
	rs, err := blockedReaders(procRoot, pid)
	if err != nil {
		return false, fmt.Errorf("stdinwatch: %w", err)
	}
	return len(rs) > 0, nil
}

// Watch polls process pid every interval (every) until ctx is done, and calls onWait
// each time the process starts waiting on stdin while the pipe (w, the
// kernel's write end; nil to skip the check) holds no unread bytes. It fires
// once per read: not again while the process stays blocked in the same read,
// nor while it consumes data just written. onWait runs on Watch's goroutine;
// polling pauses until it returns.
//
// Watch returns nil when ctx is done, when the process has ended and been
// reaped (os/exec's Wait), or when w has been closed (no more input will be
// given). It returns an error matching ErrUnavailable when stdin reads cannot
// be detected here, at the first poll, so an engine can report it once.
func Watch(ctx context.Context, pid int, w *os.File, every time.Duration, onWait func()) error {
	if every <= 0 {
		return fmt.Errorf("stdinwatch: poll interval %v is not positive", every)
	}
	wt := &watcher{root: procRoot, pid: pid, w: w}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		fire, err := wt.poll()
		switch {
		case errors.Is(err, os.ErrProcessDone), errors.Is(err, os.ErrClosed):
			return nil
		case err != nil:
			return fmt.Errorf("stdinwatch: %w", err)
		case fire:
			onWait()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// watcher holds what Watch remembers between polls.
type watcher struct {
	root  string
	pid   int
	w     *os.File
	fired []reader // the blocked reads onWait was last called for
}

// poll samples the process once and reports whether onWait is due.
func (wt *watcher) poll() (bool, error) {
	pending := 0
	if wt.w != nil {
		// Checked on every poll, so that closing w ends Watch at once.
		n, err := unread(wt.w)
		if err != nil {
			return false, err
		}
		pending = n
	}
	rs, err := blockedReaders(wt.root, wt.pid)
	// With bytes still in the pipe, a blocked read is being answered.
	if err != nil || len(rs) == 0 || pending > 0 || subset(rs, wt.fired) {
		return false, err
	}
	wt.fired = rs
	return true, nil
}

// subset reports whether every read in rs is one of old.
func subset(rs, old []reader) bool {
	for _, r := range rs {
		found := false
		for _, o := range old {
			if r == o {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

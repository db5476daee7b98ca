package display

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// errNotReading means the back pipe is full: the program does not read what
// the kernel sends it.
var errNotReading = errors.New("the program does not read GONB_PIPE_BACK (pipe full)")

// replyWriter writes to GONB_PIPE_BACK without ever waiting. The kernel also
// holds that FIFO open for reading, so a write never fails for lack of a
// reader: if the program does not read, the pipe just fills, and a blocking
// write would stall Serve (and, behind it, the program's own writes).
// Replies are a few hundred bytes at most, below PIPE_BUF, so the kernel
// writes each one whole or not at all.
type replyWriter struct {
	f *os.File
}

func (w replyWriter) Write(p []byte) (int, error) {
	rc, err := w.f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var werr error
	err = rc.Write(func(fd uintptr) bool {
		n, werr = writeNow(fd, p)
		return true // never wait in the poller
	})
	if err != nil {
		// No deadline is ever set on the back pipe, so the raw write can
		// only fail because Close closed it.
		return 0, fmt.Errorf("write %s: %w (%v)", w.f.Name(), os.ErrClosed, err)
	}
	if werr == syscall.EAGAIN {
		return 0, errNotReading
	}
	if werr != nil {
		return 0, fmt.Errorf("write %s: %w", w.f.Name(), werr)
	}
	if n < len(p) {
		return n, fmt.Errorf("write %s: short write of %d of %d bytes", w.f.Name(), n, len(p))
	}
	return n, nil
}

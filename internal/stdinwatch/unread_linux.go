package stdinwatch

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// unread returns how many bytes written to the pipe through w are still
// unread (FIONREAD, spelled TIOCINQ on Linux, works on either end of a
// pipe). It goes through
// SyscallConn because File.Fd would switch w to blocking mode.
func unread(w *os.File) (int, error) {
	rc, err := w.SyscallConn()
	if err != nil {
		return 0, err
	}
	var n int
	var ioErr error
	if err := rc.Control(func(fd uintptr) { n, ioErr = unix.IoctlGetInt(int(fd), unix.TIOCINQ) }); err != nil {
		// Control fails only once w is closed.
		return 0, fmt.Errorf("%s: %w (%v)", w.Name(), os.ErrClosed, err)
	}
	if ioErr != nil {
		return 0, fmt.Errorf("FIONREAD on %s: %w", w.Name(), ioErr)
	}
	return n, nil
}

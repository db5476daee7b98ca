//go:build !linux

package stdinwatch

import (
	"fmt"
	"os"
	"runtime"
)

const procRoot = "/proc"

type reader struct {
	tid   int
	rchar uint64
}

func blockedReaders(root string, pid int) ([]reader, error) {
	return nil, fmt.Errorf("%w on %s", ErrUnavailable, runtime.GOOS)
}

func unread(w *os.File) (int, error) {
	return 0, fmt.Errorf("%w on %s", ErrUnavailable, runtime.GOOS)
}

// Pipe makes the pipe for a child's stdin; see the Linux version. Here it is
// os.Pipe, whose read end exec.Cmd switches to blocking mode.
func Pipe() (r, w *os.File, err error) {
	return os.Pipe()
}

package stdinwatch

import (
	"fmt"
	"os"
	"syscall"
)

// Pipe makes the pipe for a child's stdin. r, for exec.Cmd.Stdin (close it
// after Start), is in blocking mode, so the child's reads are plain read(2)
// calls on fd 0 that Waiting can see. w, the kernel's end, is non-blocking and
// in the runtime poller, so writes to it honour deadlines and end when it is
// closed.
func Pipe() (r, w *os.File, err error) {
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_CLOEXEC); err != nil {
		return nil, nil, fmt.Errorf("stdin pipe: %w", err)
	}
	if err := syscall.SetNonblock(fds[1], true); err != nil {
		syscall.Close(fds[0])
		syscall.Close(fds[1])
		return nil, nil, fmt.Errorf("stdin pipe: %w", err)
	}
	// os.NewFile keeps a blocking descriptor out of the poller and puts a
	// non-blocking one in it.
	return os.NewFile(uintptr(fds[0]), "|stdin"), os.NewFile(uintptr(fds[1]), "|stdin-w"), nil
}

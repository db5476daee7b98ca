package procgroup

import (
	"errors"
	"os/exec"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// Status says how a command ended, from the error its Wait (or Run)
// returned, in the words every runner of the kernel uses: the rest of a
// sentence that starts with what ran, "exited with status 3" or "was killed
// by signal 9 (SIGKILL)". A nil error is "exited with status 0"; an error
// that is no exit status (the command could not start) is given as it is.
func Status(err error) string {
	if err == nil {
		return "exited with status 0"
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		return err.Error()
	}
	if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return "was " + killedBy(ws.Signal())
	}
	return "exited with status " + strconv.Itoa(exit.ExitCode())
}

// killedBy says what killed a process: "killed by signal 9
// (SIGKILL)".
func killedBy(sig syscall.Signal) string {
	s := "killed by signal " + strconv.Itoa(int(sig))
	if name := unix.SignalName(sig); name != "" {
		s += " (" + name + ")"
	}
	return s
}

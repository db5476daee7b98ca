//go:build linux

package kernel

import (
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/sys/unix"
)

// parentDeathSignal asks the OS to send SIGUSR1 when the parent dies, and
// returns where it arrives; nil when it cannot be asked.
func parentDeathSignal() <-chan os.Signal {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGUSR1)
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGUSR1), 0, 0, 0); err != nil {
		signal.Stop(c)
		return nil
	}
	return c
}

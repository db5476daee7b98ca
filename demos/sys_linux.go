//go:build linux

package demos

import (
	"os"
	"syscall"
)

// childAttr puts a child in a process group of its own, so that killing the
// group also ends whatever the child started, and has the kernel kill the
// child if this process dies first: children never outlive their parent.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup kills the process group a child started with childAttr leads.
func killGroup(p *os.Process) error {
	if err := syscall.Kill(-p.Pid, syscall.SIGKILL); err != nil && err != syscall.ESRCH {
		return p.Kill()
	}
	return nil
}

// closeOnExec marks fd to be closed in programs this process executes.
func closeOnExec(fd int) { syscall.CloseOnExec(fd) }

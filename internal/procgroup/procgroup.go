// Package procgroup runs commands in their own process group and stops the
// whole group: a cell's program, the compiler under `go build`, a shell
// line's pipeline. Nothing a cell started survives an interrupt.
package procgroup

import (
	"context"
	"os/exec"
	"syscall"
	"time"
)

// Attr returns the process attributes for a command that Run and Stop
// manage: a new process group, and SIGKILL if the kernel itself dies.
func Attr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// Run starts cmd (whose SysProcAttr must come from Attr) and waits for it.
// When ctx ends first, the group gets SIGINT and, after grace, SIGKILL. When
// the leader exits, whatever it left running in its group is killed.
func Run(ctx context.Context, cmd *exec.Cmd, grace time.Duration) error {
	return RunWatched(ctx, cmd, grace, nil)
}

// RunWatched is Run with a watcher: started, when not nil, is called with
// the leader's pid once it runs, and when the channel it returns closes
// the group is killed at once (a memory limit that was crossed).
func RunWatched(ctx context.Context, cmd *exec.Cmd, grace time.Duration, started func(pid int) <-chan struct{}) error {
	out, err := Pipes(&cmd.Stdout, &cmd.Stderr)
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		out.Close()
		return err
	}
	out.Started()
	var stop <-chan struct{}
	if started != nil {
		stop = started(cmd.Process.Pid)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
		Kill(cmd.Process.Pid, syscall.SIGKILL)
	case <-ctx.Done():
		err = Stop(cmd.Process.Pid, done, grace)
	case <-stop:
		Kill(cmd.Process.Pid, syscall.SIGKILL)
		err = <-done
	}
	out.Drain(DrainTimeout)
	return err
}

// DrainTimeout bounds the wait for output after a group was killed: only a
// process that left the group can hold its pipes open longer.
const DrainTimeout = 2 * time.Second

// Stop interrupts process group pgid, kills it after grace, and returns what
// the leader's Wait sent on done.
func Stop(pgid int, done <-chan error, grace time.Duration) error {
	Kill(pgid, syscall.SIGINT)
	t := time.NewTimer(grace)
	defer t.Stop()
	select {
	case err := <-done:
		Kill(pgid, syscall.SIGKILL)
		return err
	case <-t.C:
		Kill(pgid, syscall.SIGKILL)
		return <-done
	}
}

// Kill signals every process in group pgid; a group that is gone already is
// not an error.
func Kill(pgid int, sig syscall.Signal) {
	_ = syscall.Kill(-pgid, sig)
}

package debugger

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// A Delve is a `dlv dap` process serving one debug session, the kernel
// its client. dlv dials the kernel on a Unix socket in a private directory
// (--client-addr): no port to race for, and no other user can connect.
type Delve struct {
	*Client
	cmd    *exec.Cmd
	stderr *tail
	exited chan struct{} // closed when dlv has exited
}

// dialTimeout bounds the wait for a started dlv to dial in.
const dialTimeout = 20 * time.Second

// StartDelve starts dlv (its path) as a DAP server that dials back to a
// socket in dir (a directory of the caller's, mode 0700), and returns the
// session once it is connected. setup may change the command before it
// starts (its environment, output, process attributes): the program dlv
// launches inherits dlv's working directory, environment and output.
func StartDelve(ctx context.Context, dlv, dir string, setup func(*exec.Cmd)) (*Delve, error) {
	sock := filepath.Join(dir, "dap.sock")
	os.Remove(sock)
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return nil, fmt.Errorf("delve: listen: %w", err)
	}
	defer ln.Close()
	defer os.Remove(sock)

	cmd := exec.Command(dlv, "dap", "--client-addr=unix:"+sock)
	if setup != nil {
		setup(cmd)
	}
	st := &tail{max: 8 << 10}
	if cmd.Stderr == nil {
		cmd.Stderr = st
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("delve: start %s: %w", dlv, err)
	}
	d := &Delve{cmd: cmd, stderr: st, exited: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(d.exited)
	}()

	type accepted struct {
		c   net.Conn
		err error
	}
	got := make(chan accepted, 1)
	go func() {
		c, err := ln.Accept()
		got <- accepted{c, err}
	}()
	timer := time.NewTimer(dialTimeout)
	defer timer.Stop()
	select {
	case a := <-got:
		if a.err != nil {
			d.kill()
			return nil, fmt.Errorf("delve: accept: %w", a.err)
		}
		d.Client = NewClient(a.c)
		return d, nil
	case <-d.exited:
		return nil, fmt.Errorf("delve: dlv exited before connecting: %s", d.stderr.String())
	case <-timer.C:
		d.kill()
		return nil, fmt.Errorf("delve: dlv did not connect in %v: %s", dialTimeout, d.stderr.String())
	case <-ctx.Done():
		d.kill()
		return nil, ctx.Err()
	}
}

// Pid is dlv's process id.
func (d *Delve) Pid() int { return d.cmd.Process.Pid }

// Exited is closed when dlv has exited.
func (d *Delve) Exited() <-chan struct{} { return d.exited }

// Stderr is the end of what dlv wrote to its stderr, when the caller left
// it to StartDelve.
func (d *Delve) Stderr() string { return d.stderr.String() }

// Stop ends the session and dlv: it asks dlv to disconnect and kill the
// program, waits up to grace for dlv to exit, then kills it.
//
// Delve starts the program in a process group of its own and does not ask
// the kernel to kill it when dlv dies, so the groups of dlv's children are
// killed too, whatever dlv did.
func (d *Delve) Stop(grace time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	children := childrenOf(d.Pid())
	defer func() {
		for _, c := range children {
			syscall.Kill(-c, syscall.SIGKILL)
			syscall.Kill(c, syscall.SIGKILL)
		}
	}()
	if d.Client != nil {
		d.Client.Do(ctx, "disconnect", map[string]any{"terminateDebuggee": true})
		d.Client.Close()
	}
	select {
	case <-d.exited:
	case <-ctx.Done():
		d.kill()
	}
}

func (d *Delve) kill() {
	d.cmd.Process.Kill()
	<-d.exited
}

// childrenOf lists the children of process pid (Linux's
// /proc/PID/task/TID/children); none when it has ended.
func childrenOf(pid int) []int {
	var out []int
	tasks, _ := filepath.Glob(filepath.Join("/proc", strconv.Itoa(pid), "task", "*", "children"))
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = bytes.Clone(t.b[len(t.b)-t.max:])
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.b))
}

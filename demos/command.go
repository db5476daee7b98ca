package demos

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// maxCaptured bounds how much of a command's output a task keeps.
const maxCaptured = 64 << 10

// Commands runs external programs as recorded subprocesses, at most limit
// at a time (all at once if limit < 1), and returns the recording and the
// failures joined. Task i is cmds[i], on lane "pid <n>", with its exit code
// and status, its CPU time (user+system) and its peak memory; the
// recording's CPU time is the commands' (this process's own is SelfCPU).
// While a command runs, its threads are sampled from /proc (Task.Threads):
// how long each was on a CPU, waiting for one, or blocked, so that threads
// taking turns (CPython's under its GIL) show as turns.
//
// A command whose Stdout is nil has its output kept as the task's result
// (trimmed, up to 64 KiB); one whose Stderr is nil has the last line of its
// error output added to the task's error when it fails. Each command runs
// in a process group of its own, which is killed when ctx ends; on Linux
// it also dies if this process does.
func Commands(ctx context.Context, limit int, cmds ...*exec.Cmd) (*Recording, error) {
	n := len(cmds)
	if limit < 1 || limit > n {
		limit = n
	}
	r := startRun()
	sampler := newProcSampler(r)
	tasks := make([]Task, n)
	errs := make([]error, n)
	cpus := make([]time.Duration, n)
	sem := make(chan struct{}, max(limit, 1))
	var wg sync.WaitGroup
	wg.Add(n)
	for i, cmd := range cmds {
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			tasks[i], cpus[i], errs[i] = runCommand(ctx, r, sampler, i, cmd)
		}()
	}
	wg.Wait()
	rec := r.recording("commands", KindCommands, limit)
	r.finish(rec)
	sampler.close()
	sampler.note(rec)
	rec.SelfCPU, rec.CPU = rec.CPU, 0
	for i := range tasks {
		if t := &tasks[i]; t.PID != 0 {
			t.Threads = sampler.threads(t.PID, t.Start, t.End)
		}
	}
	var all []error
	for i := range n {
		rec.CPU += cpus[i]
		if errs[i] != nil {
			all = append(all, fmt.Errorf("command %d (%s): %w", i, commandLine(cmds[i]), errs[i]))
		}
	}
	rec.Tasks = tasks
	return rec, errors.Join(all...)
}

// runCommand runs one command as task id and records how it went.
func runCommand(ctx context.Context, r *run, sampler *procSampler, id int, cmd *exec.Cmd) (Task, time.Duration, error) {
	var stdout, stderr *capped
	if cmd.Stdout == nil {
		stdout = &capped{}
		cmd.Stdout = stdout
	}
	if cmd.Stderr == nil {
		stderr = &capped{}
		cmd.Stderr = stderr
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = childAttr()
	}
	if cmd.WaitDelay == 0 {
		// Output pipes held open by the command's own children must not
		// keep the run waiting once the command itself has exited.
		cmd.WaitDelay = time.Second
	}
	t := Task{ID: id, Lane: "command " + strconv.Itoa(id), Start: r.now()}
	if err := ctx.Err(); err != nil {
		t.End, t.Err = t.Start, "not started: "+err.Error()
		return t, 0, fmt.Errorf("not started: %w", context.Cause(ctx))
	}
	if err := cmd.Start(); err != nil {
		t.End, t.Err = r.now(), err.Error()
		return t, 0, err
	}
	t.PID = cmd.Process.Pid
	t.Lane = "pid " + strconv.Itoa(t.PID)
	sampler.watch(t.PID, t.Start)
	exited := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			killGroup(cmd.Process)
		case <-exited:
		}
	}()
	// The last reading of its threads is taken once it has exited and
	// before it is waited for, while its counters are still there.
	waitExited(t.PID)
	sampler.last(t.PID)
	ps, err := wait(cmd)
	close(exited)
	t.End = r.now()
	code, status, cpu := exitInfo(ps)
	t.ExitCode, t.Status, t.CPU, t.MaxRSS = code, status, cpu, exitedMaxRSS(ps)
	if stdout != nil {
		t.Result = strings.TrimSpace(stdout.String())
	}
	if err == nil && code != 0 {
		err = errors.New(status)
		if stderr != nil {
			if last := lastLine(stderr.String()); last != "" {
				err = fmt.Errorf("%s: %s", status, last)
			}
		}
	}
	if err != nil {
		t.Err = err.Error()
	}
	return t, cpu, err
}

// commandLine is a short form of the command for messages.
func commandLine(cmd *exec.Cmd) string {
	line := strings.Join(cmd.Args, " ")
	if len(line) > 60 {
		line = line[:57] + "..."
	}
	return line
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

// capped is a buffer that keeps the first maxCaptured bytes written to it
// and quietly drops the rest, so a chatty command cannot fill memory.
type capped struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write keeps what fits and reports everything written.
func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := maxCaptured - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// String is what was kept.
func (c *capped) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

package demos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// stopGrace is how long a child whose context ended may take to return
// from its function on its own (and report its phases) before it is
// killed.
const stopGrace = 250 * time.Millisecond

// A child is the parent's side of one child process: the pipes to it and
// the means to stop it.
type child struct {
	cmd     *exec.Cmd
	pid     int
	lane    string
	jobs    *os.File // write end: requests, closed to stop the child
	replies *os.File // read end
	enc     *json.Encoder
	dec     *json.Decoder
	started time.Duration // on the run's clock

	stopOnce sync.Once
	exited   chan struct{} // closed once the child has been waited for
	waitOnce sync.Once
	state    *os.ProcessState
	waitErr  error
}

// startChild starts a child process to run the function registered as
// name, and has sampler watch it. The child is killed when ctx ends (after
// stopGrace) and dies with this process.
func startChild(ctx context.Context, name string, r *run, sampler *procSampler) (*child, error) {
	if err := funcs.mayStart(name); err != nil {
		return nil, err
	}
	c, err := spawnChild(ctx, name, r)
	if err == nil {
		sampler.watch(c.pid, c.started)
	}
	return c, err
}

// spawnChild starts this program again as a child for name, passing it
// args (none, normally: a child needs only its environment and pipes).
func spawnChild(ctx context.Context, name string, r *run, args ...string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("start child for %q: find this program: %w", name, err)
	}
	jobsR, jobsW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("start child for %q: %w", name, err)
	}
	repR, repW, err := os.Pipe()
	if err != nil {
		jobsR.Close()
		jobsW.Close()
		return nil, fmt.Errorf("start child for %q: %w", name, err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Env = childEnv(os.Environ(), name, funcs.depth+1)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{jobsR, repW} // descriptors 3 and 4
	cmd.SysProcAttr = childAttr()
	started := r.now()
	err = cmd.Start()
	jobsR.Close() // the child's ends: the parent must not hold them open
	repW.Close()
	if err != nil {
		jobsW.Close()
		repR.Close()
		return nil, fmt.Errorf("start child for %q: %w", name, err)
	}
	c := &child{
		cmd:     cmd,
		pid:     cmd.Process.Pid,
		lane:    "pid " + strconv.Itoa(cmd.Process.Pid),
		jobs:    jobsW,
		replies: repR,
		enc:     json.NewEncoder(jobsW),
		dec:     json.NewDecoder(repR),
		started: started,
		exited:  make(chan struct{}),
	}
	go c.watch(ctx)
	return c, nil
}

// childEnv is env with the variables that make a process a child for name
// at the given depth, replacing any it had.
func childEnv(env []string, name string, depth int) []string {
	out := make([]string, 0, len(env)+3)
	gorace := "atexit_sleep_ms=0"
	for _, kv := range env {
		switch {
		case strings.HasPrefix(kv, envFunc+"="), strings.HasPrefix(kv, envDepth+"="):
		case strings.HasPrefix(kv, "GORACE="):
			if opts := strings.TrimPrefix(kv, "GORACE="); strings.Contains(opts, "atexit_sleep_ms") {
				gorace = opts
			} else {
				gorace = strings.TrimSpace(opts + " " + gorace)
			}
		default:
			out = append(out, kv)
		}
	}
	// A program built with -race waits a second before exiting, for
	// goroutines to report races; children are waited for, and a second
	// per child would dwarf the work being measured.
	return append(out, envFunc+"="+name, envDepth+"="+strconv.Itoa(depth), "GORACE="+gorace)
}

// watch stops the child when ctx ends: first by closing its jobs pipe,
// which cancels the running task's context, then, if it has not exited
// after stopGrace, by killing its process group.
func (c *child) watch(ctx context.Context) {
	select {
	case <-c.exited:
		return
	case <-ctx.Done():
	}
	c.stop()
	select {
	case <-c.exited:
	case <-time.After(stopGrace):
		c.kill()
	}
}

// stop closes the jobs pipe: an idle child exits, a busy one sees its
// task's context canceled.
func (c *child) stop() {
	c.stopOnce.Do(func() { c.jobs.Close() })
}

// kill ends the child and everything it started, at once.
func (c *child) kill() error {
	select {
	case <-c.exited:
		return nil // waited for: its pid may already belong to another process
	default:
	}
	if err := killGroup(c.cmd.Process); err != nil {
		return fmt.Errorf("kill %s: %w", c.lane, err)
	}
	return nil
}

// errNoReply is the error of a job whose child ended without replying.
var errNoReply = errors.New("ended without replying")

// do sends one request and waits for its reply.
func (c *child) do(id int, arg json.RawMessage) (reply, error) {
	return c.receive(id, c.send(id, arg))
}

// send sends one request.
func (c *child) send(id int, arg json.RawMessage) error {
	if err := c.enc.Encode(request{ID: id, Arg: arg}); err != nil {
		return fmt.Errorf("send job %d to %s: %w", id, c.lane, err)
	}
	return nil
}

// receive waits for the reply to request id, unless sending it failed.
func (c *child) receive(id int, sendErr error) (reply, error) {
	if sendErr != nil {
		return reply{}, sendErr
	}
	var rep reply
	if err := c.dec.Decode(&rep); err != nil {
		return reply{}, fmt.Errorf("%s %w to job %d", c.lane, errNoReply, id)
	}
	if rep.Fatal != "" {
		return reply{}, fmt.Errorf("%w: %s", errFatalChild, rep.Fatal)
	}
	if rep.ID != id {
		return reply{}, fmt.Errorf("%s replied to job %d when asked for job %d", c.lane, rep.ID, id)
	}
	return rep, nil
}

// finish stops the child, waits for it to exit and returns how it ended.
// It may be called more than once.
func (c *child) finish() (*os.ProcessState, error) {
	c.waitOnce.Do(func() {
		c.stop()
		c.state, c.waitErr = wait(c.cmd)
		c.replies.Close()
		close(c.exited)
	})
	return c.state, c.waitErr
}

// wait is Wait for an exec.Cmd whose errors we read from its state.
func wait(cmd *exec.Cmd) (*os.ProcessState, error) {
	err := cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		err = nil // the state says how it ended
	}
	return cmd.ProcessState, err
}

// exitInfo is what a finished process's state says about its end: the exit
// code (-1 for a signal), the status text, and its CPU time.
func exitInfo(ps *os.ProcessState) (code int, status string, cpu time.Duration) {
	if ps == nil {
		return -1, "unknown", 0
	}
	return ps.ExitCode(), ps.String(), ps.UserTime() + ps.SystemTime()
}

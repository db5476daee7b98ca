package demos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// A Process is one child process started by Proc.Start, running the
// function once: the analog of multiprocessing.Process after start().
type Process[R any] struct {
	c    *child
	done chan struct{}
	res  R
	err  error
	task Task
}

// Start starts a child process running the function on arg and returns at
// once; Wait waits for the result. The child is stopped when ctx ends, as
// with Run. Start suits children that talk with the parent while they run
// (over an ipc.Pipe, for instance) or servers that run until stopped.
func (p *Proc[A, R]) Start(ctx context.Context, arg A) (*Process[R], error) {
	if p.err != nil {
		return nil, p.err
	}
	b, err := json.Marshal(arg)
	if err != nil {
		return nil, fmt.Errorf("start %q: encode argument: %w", p.name, err)
	}
	r := startRun()
	sampler := newProcSampler(r)
	c, err := startChild(ctx, p.name, r, sampler)
	if err != nil {
		sampler.close()
		return nil, err
	}
	pr := &Process[R]{c: c, done: make(chan struct{})}
	// The job is sent before Start returns, so that a Stop right after
	// Start reaches a child that has its job.
	sendErr := c.send(0, b)
	go func() {
		defer close(pr.done)
		rep, err := c.receive(0, sendErr)
		pr.task = Task{ID: 0, Lane: c.lane, PID: c.pid, Start: c.started, End: r.now()}
		sampler.last(c.pid)
		sampler.close()
		pr.task.Threads = sampler.threads(c.pid, pr.task.Start, pr.task.End)
		if err == nil {
			mergeReply(&pr.task, rep, r.start, true)
			switch {
			case rep.Err != "":
				err = errors.New(rep.Err)
			case rep.Result != nil:
				if derr := json.Unmarshal(rep.Result, &pr.res); derr != nil {
					err = fmt.Errorf("decode result: %w", derr)
				} else {
					pr.task.Result = resultText(pr.res)
				}
			}
		}
		ps, werr := c.finish()
		pr.task.ExitCode, pr.task.Status, _ = exitInfo(ps)
		switch {
		case err != nil && errors.Is(err, errNoReply):
			err = fmt.Errorf("%w (%s)", err, pr.task.Status)
		case err == nil && werr != nil:
			err = fmt.Errorf("wait for %s: %w", c.lane, werr)
		}
		if err != nil {
			pr.err = fmt.Errorf("process %q (%s): %w", p.name, c.lane, err)
			pr.task.Err = err.Error()
		}
	}()
	return pr, nil
}

// PID is the child's process id.
func (p *Process[R]) PID() int { return p.c.pid }

// Wait waits for the child to return and exit (join), and returns the
// function's result or why there is none.
func (p *Process[R]) Wait() (R, error) {
	<-p.done
	return p.res, p.err
}

// Done is closed when the child has returned and exited.
func (p *Process[R]) Done() <-chan struct{} { return p.done }

// Stop asks the child to stop: the context its function sees through
// T.Context is canceled. Wait then tells how it ended.
func (p *Process[R]) Stop() { p.c.stop() }

// Kill ends the child and everything it started at once with SIGKILL,
// which no process can catch (multiprocessing's kill(); its terminate()
// sends SIGTERM, which a process may handle, as Stop lets the child
// finish); Wait then reports it killed.
func (p *Process[R]) Kill() error { return p.c.kill() }

// Task is the child's run as a recorded task, on a clock started by Start;
// it is complete once Wait has returned.
func (p *Process[R]) Task() Task {
	<-p.done
	return p.task
}

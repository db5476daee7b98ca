package demos

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"
)

// Exit codes of a child process that could not do its work.
const (
	exitNoPipes   = 70 // started without the job and reply pipes
	exitReplyLost = 71 // could not write a reply
	exitRefused   = 72 // reached code it was not started for
)

// serveChild is the whole life of a child process: it runs h for each
// request read from the jobs pipe and writes a reply for each, until the
// parent closes the pipe. It returns the process's exit code.
func serveChild(name string, h handler) int {
	// Programs this child starts are not children of the parent's kind.
	os.Unsetenv(envFunc)
	jobs, replies, err := childPipes()
	if err != nil {
		fmt.Fprintf(os.Stderr, "demos: child for %q: %v\n", name, err)
		return exitNoPipes
	}
	// The parent closing the jobs pipe while a request runs cancels it.
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	reqs := make(chan request)
	go func() {
		defer close(reqs)
		dec := json.NewDecoder(jobs)
		for {
			var q request
			if err := dec.Decode(&q); err != nil {
				cancel(fmt.Errorf("the parent stopped the child: %w", context.Canceled))
				return
			}
			reqs <- q
		}
	}()
	enc := json.NewEncoder(replies)
	lane := "pid " + strconv.Itoa(os.Getpid())
	for q := range reqs {
		if err := enc.Encode(runRequest(ctx, lane, h, q)); err != nil {
			fmt.Fprintf(os.Stderr, "demos: child for %q: write reply: %v\n", name, err)
			return exitReplyLost
		}
	}
	return 0
}

// runRequest runs h on one request with a T on a clock of its own, and
// reports what happened.
func runRequest(ctx context.Context, lane string, h handler, q request) reply {
	r := &run{start: time.Now()}
	task := Task{ID: q.ID, Lane: lane}
	t := &T{run: r, task: &task, ctx: ctx}
	cpu0 := processCPU()
	var out json.RawMessage
	t.exec(func(t *T) {
		res, err := h(t, q.Arg)
		out = res
		t.Fail(err)
	})
	return reply{
		ID:        q.ID,
		StartUnix: r.start.UnixNano(),
		End:       task.End,
		Phases:    task.Phases,
		Marks:     task.Marks,
		Result:    out,
		Err:       task.Err,
		CPU:       processCPU() - cpu0,
		MaxRSS:    selfMaxRSS(),
	}
}

// childPipes opens the pipes the parent passed, and keeps them from
// leaking into programs the child starts (which would keep them open after
// the child is gone).
func childPipes() (jobs, replies *os.File, err error) {
	jobs = os.NewFile(jobsFD, "conclab-jobs")
	replies = os.NewFile(repliesFD, "conclab-replies")
	for _, f := range []*os.File{jobs, replies} {
		if _, err := f.Stat(); err != nil {
			return nil, nil, fmt.Errorf("not started by a demos parent (no pipe on descriptor %d): %w", f.Fd(), err)
		}
	}
	closeOnExec(jobsFD)
	closeOnExec(repliesFD)
	return jobs, replies, nil
}

// refuseChild ends a child that is about to start processes although it
// never found the function it was started for, which means it is running
// main: it tells the parent why, and returns the exit code.
func refuseChild(name string) int {
	msg := fmt.Sprintf("the child process started for %q never reached demos.Func(%q) during package initialization "+
		"and went on to run main instead; register the function at package level in the program that starts it", name, name)
	fmt.Fprintln(os.Stderr, "demos:", msg)
	if _, replies, err := childPipes(); err == nil {
		json.NewEncoder(replies).Encode(reply{Fatal: msg})
	}
	return exitRefused
}

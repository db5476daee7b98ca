package demos

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Run runs the function once per argument, each in a child process of its
// own, all at once, and returns the results in argument order, the
// recording and the errors joined: the analog of starting one
// multiprocessing.Process per argument and joining them all.
//
// Each child is a lane ("pid 4121"). A task starts when its child is
// started, so its first phase, "spawn", shows what starting a process
// costs; the phases and marks the function recorded follow. Tasks carry
// the child's pid, the CPU time the function used and the child's peak
// memory; the recording's CPU time is the children's (this process's own is
// SelfCPU). When ctx ends, children are stopped (their T.Context is
// canceled) and killed shortly after if they do not return.
func (p *Proc[A, R]) Run(ctx context.Context, args []A) ([]R, *Recording, error) {
	return p.run(ctx, KindProcesses, len(args), true, args)
}

// Pool runs the function over args with procs child processes, each taking
// the next argument as soon as it is free, and returns the results in
// argument order, the recording and the errors joined: the analog of
// multiprocessing.Pool.map and ProcessPoolExecutor.map. A child that dies
// fails its task and is replaced for the remaining arguments. When ctx
// ends, arguments not yet started are skipped and the error says how many.
func (p *Proc[A, R]) Pool(ctx context.Context, procs int, args []A) ([]R, *Recording, error) {
	return p.run(ctx, KindProcessPool, procs, false, args)
}

// run encodes the arguments, runs them in children and decodes the
// results.
func (p *Proc[A, R]) run(ctx context.Context, kind string, procs int, oneEach bool, args []A) ([]R, *Recording, error) {
	if p.err != nil {
		return nil, failedRecording(kind, p.name, p.err), p.err
	}
	enc := make([]json.RawMessage, len(args))
	for i, a := range args {
		b, err := json.Marshal(a)
		if err != nil {
			err = fmt.Errorf("%s %q: encode argument %d: %w", kind, p.name, i, err)
			return nil, failedRecording(kind, p.name, err), err
		}
		enc[i] = b
	}
	out := runChildren(ctx, p.name, kind, procs, oneEach, enc)
	results := make([]R, len(args))
	var errs []error
	for k := range out.rec.Tasks {
		t := &out.rec.Tasks[k]
		i := t.ID
		err := out.errs[i]
		if err == nil && out.results[i] != nil {
			if derr := json.Unmarshal(out.results[i], &results[i]); derr != nil {
				err = fmt.Errorf("decode result: %w", derr)
				t.Err = err.Error()
			} else {
				t.Result = resultText(results[i])
			}
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %q, argument %d: %w", kind, p.name, i, err))
		}
	}
	if out.skipped > 0 {
		errs = append(errs, fmt.Errorf("%s %q: %d of %d arguments not run: %w", kind, p.name, out.skipped, len(args), context.Cause(ctx)))
	}
	return results, out.rec, errors.Join(errs...)
}

// failedRecording is the recording of a run that could not start: no
// tasks, and a note saying why, so that code printing or plotting it
// still shows something sensible.
func failedRecording(kind, title string, err error) *Recording {
	r := startRun()
	rec := r.recording(title, kind, 0)
	rec.Notes = []string{"not run: " + err.Error()}
	return rec
}

// childrenRun is the outcome of runChildren, indexed by argument.
type childrenRun struct {
	rec     *Recording
	results []json.RawMessage
	errs    []error
	skipped int
}

// runChildren runs the registered function name over encoded arguments in
// procs child processes; with oneEach, process i runs argument i only.
func runChildren(ctx context.Context, name, kind string, procs int, oneEach bool, args []json.RawMessage) childrenRun {
	n := len(args)
	procs = max(min(procs, n), 1)
	r := startRun()
	pr := &procRun{
		ctx: ctx, name: name, r: r, sampler: newProcSampler(r), args: args,
		tasks: make([]Task, n), ran: make([]bool, n),
		results: make([]json.RawMessage, n), errs: make([]error, n),
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	wg.Add(procs)
	for s := range procs {
		claimed := false
		claim := func() (int, bool) {
			if oneEach {
				first := !claimed
				claimed = true
				return s, first && s < n
			}
			i := int(next.Add(1) - 1)
			return i, i < n
		}
		go func() {
			defer wg.Done()
			pr.slot(claim)
		}()
	}
	wg.Wait()

	rec := pr.r.recording(name, kind, procs)
	pr.r.finish(rec)
	rec.SelfCPU, rec.CPU = rec.CPU, time.Duration(pr.childCPU.Load())
	pr.sampler.close()
	pr.sampler.note(rec)
	for i := range pr.tasks {
		if t := &pr.tasks[i]; pr.ran[i] && t.PID != 0 {
			t.Threads = pr.sampler.threads(t.PID, t.Start, t.End)
		}
	}
	out := childrenRun{rec: rec, results: pr.results, errs: pr.errs}
	rec.Tasks = pr.tasks[:0]
	for i := range n {
		if !pr.ran[i] {
			out.skipped++
			continue
		}
		rec.Tasks = append(rec.Tasks, pr.tasks[i]) // compacts in place
	}
	if out.skipped > 0 {
		rec.Notes = append(rec.Notes, fmt.Sprintf("canceled: %d of %d jobs not run", out.skipped, n))
	}
	noteTail(rec)
	return out
}

// noteTail says where a run of processes ended well after its last task:
// the time its children took to exit, which belongs to no task.
func noteTail(rec *Recording) {
	var last time.Duration
	for _, t := range rec.Tasks {
		last = max(last, t.End)
	}
	if tail := rec.Wall - last; len(rec.Tasks) > 0 && tail > 5*time.Millisecond && tail > rec.Wall/10 {
		rec.Notes = append(rec.Notes, fmt.Sprintf("the run ended %s after its last task: the time its processes took to exit", FormatDuration(tail)))
	}
}

// A procRun is what the slots of one runChildren share. Each job's entries
// are written by the one slot that claimed the job.
type procRun struct {
	ctx     context.Context
	name    string
	r       *run
	sampler *procSampler
	args    []json.RawMessage

	tasks    []Task
	ran      []bool
	results  []json.RawMessage
	errs     []error
	childCPU atomic.Int64 // nanoseconds, over the children that exited

	// broken holds an error that dooms every start, such as an
	// unregistered name, so that the remaining jobs fail without trying.
	brokenMu sync.Mutex
	broken   error
}

// slot is one process's worth of the run: it claims jobs and runs each in
// its child, starting the child for the first job and again after a child
// died.
func (pr *procRun) slot(claim func() (int, bool)) {
	var c *child
	last := -1 // the job c ran last, which gets c's exit status
	defer func() {
		if c != nil {
			pr.retire(c, last)
		}
	}()
	for {
		i, ok := claim()
		if !ok || pr.ctx.Err() != nil {
			return // a claimed job that does not run is counted as skipped
		}
		pr.ran[i] = true
		start := pr.r.now()
		err := pr.brokenErr()
		fresh := false
		if err == nil && c == nil {
			if c, err = startChild(pr.ctx, pr.name, pr.r, pr.sampler); err != nil {
				pr.breakAll(err)
			} else {
				fresh, start = true, c.started
			}
		}
		if err != nil {
			pr.tasks[i] = Task{ID: i, Lane: "parent", Start: start, End: pr.r.now(), Err: err.Error()}
			pr.errs[i] = err
			continue
		}
		if !fresh {
			pr.sampler.readNow() // the job's samples start here
		}
		rep, err := c.do(i, pr.args[i])
		end := pr.r.now()
		pr.sampler.readNow()
		pr.tasks[i] = Task{ID: i, Lane: c.lane, PID: c.pid, Start: start, End: end}
		last = i
		if err != nil {
			pr.errs[i] = err
			pr.tasks[i].Err = err.Error()
			if isFatal(err) {
				pr.breakAll(err)
			}
			pr.retire(c, last)
			c, last = nil, -1
			continue
		}
		mergeReply(&pr.tasks[i], rep, pr.r.start, fresh)
		pr.results[i] = rep.Result
		if rep.Err != "" {
			pr.errs[i] = errors.New(rep.Err)
		}
	}
}

// retire stops child c, waits for it and puts how it ended on its last
// job's task.
func (pr *procRun) retire(c *child, last int) {
	ps, err := c.finish()
	code, status, cpu := exitInfo(ps)
	pr.childCPU.Add(int64(cpu))
	if last < 0 {
		return
	}
	pr.tasks[last].ExitCode, pr.tasks[last].Status = code, status
	switch {
	case errors.Is(pr.errs[last], errNoReply):
		pr.errs[last] = fmt.Errorf("%w (%s)", pr.errs[last], status)
		pr.tasks[last].Err = pr.errs[last].Error()
	case err != nil && pr.errs[last] == nil:
		pr.errs[last] = fmt.Errorf("wait for %s: %w", c.lane, err)
		pr.tasks[last].Err = pr.errs[last].Error()
	}
}

// brokenErr is the error that dooms the run's starts, if any.
func (pr *procRun) brokenErr() error {
	pr.brokenMu.Lock()
	defer pr.brokenMu.Unlock()
	return pr.broken
}

// breakAll records an error that dooms every further start.
func (pr *procRun) breakAll(err error) {
	pr.brokenMu.Lock()
	defer pr.brokenMu.Unlock()
	if pr.broken == nil {
		pr.broken = err
	}
}

// errFatalChild marks errors after which no child of the run can work.
var errFatalChild = errors.New("children cannot run")

// isFatal reports whether err dooms the other jobs of the run too.
func isFatal(err error) bool { return errors.Is(err, errFatalChild) }

// mergeReply puts what the child reported into the parent's task: its
// phases and marks moved onto the parent's clock and kept inside the task,
// and, for a child's first job, a "spawn" phase for the time the process
// took to start.
func mergeReply(t *Task, rep reply, runStart time.Time, fresh bool) {
	offset := time.Duration(rep.StartUnix - runStart.UnixNano())
	clamp := func(d time.Duration) time.Duration { return min(max(d, t.Start), t.End) }
	if fresh {
		t.Phases = append(t.Phases, Phase{Name: "spawn", Start: t.Start, End: clamp(offset)})
	}
	for _, p := range rep.Phases {
		t.Phases = append(t.Phases, Phase{Name: p.Name, Start: clamp(p.Start + offset), End: clamp(p.End + offset)})
	}
	for _, m := range rep.Marks {
		t.Marks = append(t.Marks, Mark{Name: m.Name, At: clamp(m.At + offset)})
	}
	t.Err = rep.Err
	t.CPU = rep.CPU
	t.MaxRSS = rep.MaxRSS
}

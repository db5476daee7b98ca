package demos

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
)

// A Recorder records tasks of any shape: for code that starts its own
// goroutines (a producer and a consumer, a pipeline) rather than handing
// functions to a runner. Start and Go may be called from any goroutine;
// each T they return belongs to one goroutine, as always, and the states a
// task records are those of the goroutine that called Start, and of the
// goroutines it starts during the task.
//
// A Recorder holds the execution tracer from NewRecorder until Recording
// is called with every task ended; a Recorder dropped before that lets it
// go when it is garbage collected.
type Recorder struct {
	run   *run
	title string
	ctx   context.Context

	mu    sync.Mutex
	slots []*slot
	wg    sync.WaitGroup

	snapMu sync.Mutex // one snapshot at a time; guards trace and run.trace
	trace  []byte     // the last snapshot, kept once the tracer is let go
}

// A slot holds one recorder task and its handle in a single allocation.
type slot struct {
	t    T
	task Task
	done atomic.Bool // set after the task's last write, so a snapshot may read it
}

// NewRecorder starts a recording named title; its clock starts now. Tasks
// see ctx through T.Context.
func NewRecorder(ctx context.Context, title string) *Recorder {
	r := &Recorder{run: startTracedRun(), title: title, ctx: ctx}
	runtime.AddCleanup(r, func(s *traceSession) { s.close() }, r.run.trace)
	return r
}

// Start begins a task on lane now and returns its handle; the task ends
// with T.End. IDs count tasks in the order they started. The task's states
// are those of the goroutine that calls Start, and of those it starts.
func (r *Recorder) Start(lane string) *T {
	s := r.newSlot(lane)
	r.run.trace.logTask(s.task.ID)
	return &s.t
}

// newSlot begins a task on lane now.
func (r *Recorder) newSlot(lane string) *slot {
	s := &slot{}
	s.t = T{run: r.run, task: &s.task, ctx: r.ctx, slot: s}
	s.task.Lane = lane
	s.task.Start = r.run.now()
	r.mu.Lock()
	s.task.ID = len(r.slots)
	r.slots = append(r.slots, s)
	r.mu.Unlock()
	return s
}

// Go runs fn as a task on lane in a new goroutine; Wait waits for it. The
// task starts with the go statement, so the time its goroutine waited for
// its first turn is part of it, as with Goroutines. A panic in fn is
// recorded as the task's error.
func (r *Recorder) Go(lane string, fn func(t *T)) {
	r.wg.Add(1)
	s := r.newSlot(lane)
	go func() {
		defer r.wg.Done()
		r.run.trace.logTask(s.task.ID)
		t := &s.t
		defer t.End()
		defer t.recoverPanic()
		fn(t)
	}()
}

// Wait waits for the tasks started with Go.
func (r *Recorder) Wait() { r.wg.Wait() }

// End ends a task begun with Recorder.Start; runners end their tasks
// themselves, so for their tasks End does nothing. Calling End twice is
// harmless.
func (t *T) End() {
	if t.slot == nil || t.slot.done.Load() {
		return
	}
	t.end()
	t.slot.done.Store(true)
}

// Recording returns what has been recorded so far, with the wall and CPU
// time up to now. Tasks that have not ended appear with their end set to
// now, the error "still running" and, since their goroutine may still be
// writing them, without phases or marks. Called when every task has ended,
// it lets go of the execution tracer: tasks started after that are
// recorded without their states.
func (r *Recorder) Recording() *Recording {
	r.mu.Lock()
	slots := r.slots[:len(r.slots):len(r.slots)]
	r.mu.Unlock()
	rec := r.run.recording(r.title, KindRecorder, 0)
	r.run.finish(rec)
	rec.Tasks = make([]Task, len(slots))
	allDone := true
	for i, s := range slots {
		if s.done.Load() {
			rec.Tasks[i] = s.task
			continue
		}
		allDone = false
		rec.Tasks[i] = Task{ID: s.task.ID, Lane: s.task.Lane, Start: s.task.Start, End: rec.Wall, Err: "still running"}
	}
	r.snapMu.Lock()
	defer r.snapMu.Unlock()
	if data := r.run.trace.take(allDone); data != nil {
		r.trace = data
	}
	resolveStates(rec, r.run.trace, r.trace, bindLogged)
	return rec
}

package demos

import (
	"runtime"
	"time"
)

// A run is the clock shared by all tasks of one recording: one start
// instant, read through the monotonic clock, so that taking a timestamp is
// a single cheap call and needs no lock. Runs of work in this process also
// hold the execution tracer, to learn their goroutines' states.
type run struct {
	start time.Time
	cpu0  time.Duration
	trace *traceSession // nil for runs whose work happens in other processes
}

// startRun starts the clock and notes the process's CPU time so far.
func startRun() *run {
	return &run{cpu0: processCPU(), start: time.Now()}
}

// startTracedRun starts a run whose goroutines' states are recorded: it
// joins the execution tracer, then starts the clock and writes the anchor
// that ties the trace to it, on the calling goroutine.
func startTracedRun() *run {
	s := startTracing()
	r := &run{cpu0: processCPU(), trace: s}
	r.start = time.Now()
	s.anchor()
	return r
}

// resolve ends the run's tracing and fills its tasks' states; bind says
// which goroutine ran each task.
func (r *run) resolve(rec *Recording, bind binder) {
	resolveStates(rec, r.trace, r.trace.take(true), bind)
}

// now is the time since the run's start.
func (r *run) now() time.Duration { return time.Since(r.start) }

// recording makes the run's Recording with the machine's figures filled in;
// finish completes it.
func (r *run) recording(title, kind string, workers int) *Recording {
	return &Recording{
		Title:      title,
		Kind:       kind,
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		NumCPU:     runtime.NumCPU(),
		GoVersion:  runtime.Version(),
		Workers:    workers,
		Started:    r.start,
	}
}

// finish sets the wall time and this process's CPU time used since the
// run's start.
func (r *run) finish(rec *Recording) {
	rec.Wall = r.now()
	rec.CPU = processCPU() - r.cpu0
}

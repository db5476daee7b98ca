package demos

import (
	"runtime"
	"time"
)

// A run is the clock shared by all tasks of one recording: one start
// instant, read through the monotonic clock, so that taking a timestamp is
// a single cheap call and needs no lock.
type run struct {
	start time.Time
	cpu0  time.Duration
}

// startRun starts the clock and notes the process's CPU time so far.
func startRun() *run {
	return &run{cpu0: processCPU(), start: time.Now()}
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

package demos

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"
)

// A Recording is what one run did over time: its tasks, each on a lane, and
// figures for the whole run. Times are nanoseconds from the run's start so a
// recording is self-contained and can be saved, loaded and plotted later.
type Recording struct {
	Title      string        `json:"title"`
	Kind       string        `json:"kind"`       // "goroutines", "pool", "processes", "commands", ...
	Tasks      []Task        `json:"tasks"`      // in the order they were started
	Wall       time.Duration `json:"wall_ns"`    // from the run's start to its end
	CPU        time.Duration `json:"cpu_ns"`     // user+system CPU of the run's work: this process, or the processes it ran (see SelfCPU)
	GOMAXPROCS int           `json:"gomaxprocs"` // at the run's start
	NumCPU     int           `json:"numcpu"`     // runtime.NumCPU()
	GoVersion  string        `json:"go_version"` // runtime.Version()
	Notes      []string      `json:"notes,omitempty"`

	// Workers is how many goroutines, pool workers or processes the run
	// was given; 0 when the run does not say (e.g. a Recorder).
	Workers int `json:"workers,omitempty"`
	// Started is the wall-clock instant the run began; task times are
	// offsets from it.
	Started time.Time `json:"started,omitzero"`
	// Values holds the numbers a scenario measured besides times, such as
	// "expected" and "got" for a counter that loses updates.
	Values map[string]float64 `json:"values,omitempty"`
	// StateSource says where the tasks' states (Task.Goroutines,
	// Task.Threads) come from: "Go execution trace" for runs in this
	// process, "/proc every 2ms" for processes; "" when they were not
	// recorded, and a note says why.
	StateSource string `json:"state_source,omitempty"`
	// SelfCPU is, for runs of other processes, the CPU time this process
	// used meanwhile (starting them, passing work and results, reading
	// their counters): CPU holds the processes' own, so that parallelism
	// and peak running speak of the same threads.
	SelfCPU time.Duration `json:"self_cpu_ns,omitempty"`
}

// A Task is one unit of work on one lane: a goroutine's function, a pool job,
// a child process.
type Task struct {
	ID     int           `json:"id"`
	Lane   string        `json:"lane"` // "g3", "worker 2", "pid 4121": what ran it
	Start  time.Duration `json:"start_ns"`
	End    time.Duration `json:"end_ns"`
	Phases []Phase       `json:"phases,omitempty"`
	Marks  []Mark        `json:"marks,omitempty"`
	Result string        `json:"result,omitempty"` // fmt.Sprint of the task's result
	Err    string        `json:"error,omitempty"`

	// The fields below are set for tasks run in child processes.

	PID      int           `json:"pid,omitempty"`
	CPU      time.Duration `json:"cpu_ns,omitempty"`        // user+system CPU of this task
	MaxRSS   int64         `json:"max_rss_bytes,omitempty"` // peak resident memory of its process
	ExitCode int           `json:"exit_code,omitempty"`     // -1 if a signal ended the process
	Status   string        `json:"status,omitempty"`        // "exit status 3", "signal: killed"

	// Goroutines is what the task's goroutines did during the task, from
	// the Go runtime: the goroutine that ran it first, then any it started
	// (and they started), in the order they were created.
	Goroutines []Goroutine `json:"goroutines,omitempty"`
	// Threads is what the OS threads of the task's process did during the
	// task, sampled from /proc, for tasks run as processes.
	Threads []Thread `json:"threads,omitempty"`
}

// A Phase is a named stretch inside a task, such as "wait lock", "hold lock",
// "cpu" or "io".
type Phase struct {
	Name  string        `json:"name"`
	Start time.Duration `json:"start_ns"`
	End   time.Duration `json:"end_ns"`
}

// A Mark is an instant inside a task worth pointing at ("sent", "got lock").
type Mark struct {
	Name string        `json:"name"`
	At   time.Duration `json:"at_ns"`
}

// Duration is how long the task ran.
func (t Task) Duration() time.Duration { return t.End - t.Start }

// Lanes lists the distinct lanes in the order they first appear.
func (r *Recording) Lanes() []string {
	seen := map[string]bool{}
	var lanes []string
	for _, t := range r.Tasks {
		if !seen[t.Lane] {
			seen[t.Lane] = true
			lanes = append(lanes, t.Lane)
		}
	}
	return lanes
}

// Busy is the sum of the tasks' durations, from each task's start to its
// end, whatever it was doing: the time one lane would have needed to do
// the tasks one after another, waiting included.
func (r *Recording) Busy() time.Duration {
	var sum time.Duration
	for _, t := range r.Tasks {
		sum += t.Duration()
	}
	return sum
}

// Parallelism is CPU time divided by wall time: how many cores were busy
// on average, the figure user+sys over real of a `time` command implies.
// It is never more than the cores the run could use. It is 0 for an empty
// recording.
func (r *Recording) Parallelism() float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(r.CPU) / float64(r.Wall)
}

// Concurrency is Busy divided by Wall: how many tasks were under way at
// once on average, running or waiting. Four goroutines that each sleep for
// the whole run have a concurrency of 4 and a parallelism near 0. It is 0
// for an empty recording.
func (r *Recording) Concurrency() float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(r.Busy()) / float64(r.Wall)
}

// Cores is how many cores the run's work could use at once: GOMAXPROCS for
// runs inside this process, NumCPU for runs of child processes
// ("processes", "process pool", "commands"), which GOMAXPROCS does not
// limit.
func (r *Recording) Cores() int {
	if r.OutOfProcess() {
		return r.NumCPU
	}
	return r.GOMAXPROCS
}

// OutOfProcess reports whether the run's work happened in other processes.
func (r *Recording) OutOfProcess() bool {
	switch r.Kind {
	case KindProcesses, KindProcessPool, KindCommands:
		return true
	}
	return false
}

// NoteFirst adds notes, in order, before the others: for what a scenario
// found (the updates a race lost), which readers and programs look for
// first, ahead of what the run noted about itself (a busy machine, a slow
// exit).
func (r *Recording) NoteFirst(notes ...string) {
	r.Notes = slices.Concat(notes, r.Notes)
}

// Failed lists the tasks that ended with an error, in recording order.
func (r *Recording) Failed() []Task {
	var failed []Task
	for _, t := range r.Tasks {
		if t.Err != "" {
			failed = append(failed, t)
		}
	}
	return failed
}

// PhaseTotals adds up, over all tasks, the time spent in each named phase:
// how long the run as a whole waited for a lock, computed, did I/O.
func (r *Recording) PhaseTotals() map[string]time.Duration {
	totals := map[string]time.Duration{}
	for _, t := range r.Tasks {
		for _, p := range t.Phases {
			totals[p.Name] += p.End - p.Start
		}
	}
	return totals
}

// WriteJSON writes the recording as JSON.
func (r *Recording) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("write recording: %w", err)
	}
	return nil
}

// ReadJSON reads a recording written by WriteJSON.
func ReadJSON(rd io.Reader) (*Recording, error) {
	var r Recording
	if err := json.NewDecoder(rd).Decode(&r); err != nil {
		return nil, fmt.Errorf("read recording: %w", err)
	}
	return &r, nil
}

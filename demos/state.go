package demos

import (
	"cmp"
	"slices"
	"time"
)

// A State is what a task's goroutine or OS thread was doing at some moment,
// as the Go runtime or the operating system saw it: on a CPU, ready but
// waiting for one, or blocked, by reason where the source knows it.
type State string

// The states. A goroutine's come from the Go runtime's execution trace; an
// OS thread's from the kernel's counters, which tell running and runnable
// apart but not why a thread was blocked (StateBlocked).
const (
	StateRunning  State = "running"  // on a CPU, running the task's code
	StateRunnable State = "runnable" // ready, waiting for a CPU (a P, for a goroutine)
	StateChan     State = "chan"     // blocked sending or receiving on a channel
	StateSelect   State = "select"   // blocked in a select
	StateSync     State = "sync"     // blocked on a Mutex, RWMutex, WaitGroup or Cond
	StateSyscall  State = "syscall"  // in a system call or waiting for network I/O
	StateSleep    State = "sleep"    // in time.Sleep
	StateGC       State = "GC"       // waiting for the garbage collector
	StateOther    State = "other"    // blocked for another reason (select{}, a nil channel, ...)
	StateBlocked  State = "blocked"  // an OS thread off the CPU and not waiting for one: sleeping, waiting for I/O or a lock
)

// Blocked reports whether s is one of the blocked states: neither running
// nor runnable.
func (s State) Blocked() bool { return s != StateRunning && s != StateRunnable && s != "" }

// A Span is a stretch of time in one state, on the recording's clock.
type Span struct {
	Start time.Duration `json:"start_ns"`
	End   time.Duration `json:"end_ns"`
	State State         `json:"state"`
}

// A Goroutine is one goroutine a task ran on and what it did during the
// task, from the Go runtime's execution trace: exact, one Span per change
// of state.
type Goroutine struct {
	ID     int64  `json:"id"`
	States []Span `json:"states"`
}

// A Sample is what an OS thread did over one sampling interval, from the
// kernel's per-thread counters: how long it was on a CPU and how long it
// waited in a run queue for one. The rest of the interval it was blocked
// (sleeping, waiting for I/O or a lock). Where in the interval each
// happened, the counters do not say.
type Sample struct {
	Start    time.Duration `json:"start_ns"`
	End      time.Duration `json:"end_ns"`
	Running  time.Duration `json:"running_ns"`
	Runnable time.Duration `json:"runnable_ns,omitempty"`
}

// Blocked is the part of the interval the thread was neither on a CPU nor
// waiting for one.
func (s Sample) Blocked() time.Duration {
	return max(0, s.End-s.Start-s.Running-s.Runnable)
}

// A Thread is one OS thread of a task's process and what it did during the
// task, sampled from /proc.
type Thread struct {
	TID     int      `json:"tid"`
	Name    string   `json:"name,omitempty"` // the thread's name in /proc (comm): "python3", "worker"
	Samples []Sample `json:"samples"`
}

// StateTimes is how long something spent in each state.
type StateTimes map[State]time.Duration

// Running is the time on a CPU.
func (st StateTimes) Running() time.Duration { return st[StateRunning] }

// Runnable is the time spent waiting for a CPU.
func (st StateTimes) Runnable() time.Duration { return st[StateRunnable] }

// Blocked is the time in any of the blocked states.
func (st StateTimes) Blocked() time.Duration {
	var d time.Duration
	for s, v := range st {
		if s.Blocked() {
			d += v
		}
	}
	return d
}

// add adds other's times to st.
func (st StateTimes) add(other StateTimes) {
	for s, d := range other {
		st[s] += d
	}
}

// HasStates reports whether the task's states were recorded: its
// goroutines' from the Go runtime, or its threads' from the OS.
func (t Task) HasStates() bool { return len(t.Goroutines) > 0 || len(t.Threads) > 0 }

// StateTimes is how long the task spent in each state. Running and
// runnable are summed over the task's goroutines or threads, as CPU time
// would be: two goroutines running for 10 ms are 20 ms running. Blocked
// time is the lane's, as drawn: for goroutines, the time none of them ran
// or waited for a CPU, by the reason the task's own goroutine waited (see
// States); for a process, what its samples (Samples) left over.
func (t Task) StateTimes() StateTimes {
	st := StateTimes{}
	for _, g := range t.Goroutines {
		for _, s := range g.States {
			if !s.State.Blocked() {
				st[s.State] += s.End - s.Start
			}
		}
	}
	for _, s := range t.States() {
		if s.State.Blocked() {
			st[s.State] += s.End - s.Start
		}
	}
	for _, th := range t.Threads {
		for _, s := range th.Samples {
			st[StateRunning] += s.Running
			st[StateRunnable] += s.Runnable
		}
	}
	for _, s := range t.Samples() {
		st[StateBlocked] += s.Blocked()
	}
	return st
}

// Samples adds up the task's threads' samples interval by interval, as its
// lane shows them: running and waiting summed (at most the interval),
// blocked the rest. The threads of one process are read at the same
// moments, so their intervals match; idle threads (a Go program's runtime
// threads) add nothing, where adding their blocked time would drown the
// lane in it. It is nil for a task without threads.
func (t Task) Samples() []Sample {
	switch len(t.Threads) {
	case 0:
		return nil
	case 1:
		return t.Threads[0].Samples
	}
	type key struct{ start, end time.Duration }
	sum := map[key]*Sample{}
	var order []key
	for _, th := range t.Threads {
		for _, s := range th.Samples {
			k := key{s.Start, s.End}
			if sum[k] == nil {
				sum[k] = &Sample{Start: s.Start, End: s.End}
				order = append(order, k)
			}
			sum[k].Running += s.Running
			sum[k].Runnable += s.Runnable
		}
	}
	slices.SortFunc(order, func(a, b key) int { return cmp.Compare(a.start, b.start) })
	out := make([]Sample, 0, len(order))
	for _, k := range order {
		s := *sum[k]
		d := s.End - s.Start
		s.Running = min(s.Running, d)
		s.Runnable = min(s.Runnable, max(0, d-s.Running))
		out = append(out, s)
	}
	return out
}

// States is the task's state over time as one lane shows it: for a task
// that ran on several goroutines, running while any of them ran, else
// runnable while any waited for a CPU, else blocked as its own goroutine
// (the first) was. Tasks whose states were sampled from the OS have no
// exact spans: see Task.Threads.
func (t Task) States() []Span {
	switch len(t.Goroutines) {
	case 0:
		return nil
	case 1:
		return t.Goroutines[0].States
	}
	return mergeGoroutines(t.Goroutines)
}

// mergeGoroutines combines the states of several goroutines into one lane:
// at each moment the "busiest" state any of them is in.
func mergeGoroutines(gs []Goroutine) []Span {
	var cuts []time.Duration
	for _, g := range gs {
		for _, s := range g.States {
			cuts = append(cuts, s.Start, s.End)
		}
	}
	cuts = sortedUnique(cuts)
	idx := make([]int, len(gs)) // per goroutine, the first span that may cover a moment
	var out []Span
	for k := 0; k+1 < len(cuts); k++ {
		from, to := cuts[k], cuts[k+1]
		best, rank := State(""), 0
		for i, g := range gs {
			for idx[i] < len(g.States) && g.States[idx[i]].End <= from {
				idx[i]++
			}
			if idx[i] == len(g.States) || g.States[idx[i]].Start > from {
				continue
			}
			s := g.States[idx[i]].State
			r := 1 // blocked; the task's own goroutine (i == 0) wins among blocked ones
			switch {
			case s == StateRunning:
				r = 4
			case s == StateRunnable:
				r = 3
			case i == 0:
				r = 2
			}
			if r > rank {
				best, rank = s, r
			}
		}
		if best == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].State == best && out[n-1].End == from {
			out[n-1].End = to
			continue
		}
		out = append(out, Span{Start: from, End: to, State: best})
	}
	return out
}

// sortedUnique sorts ds and drops repeats.
func sortedUnique(ds []time.Duration) []time.Duration {
	slices.Sort(ds)
	return slices.Compact(ds)
}

package demos

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Figures are the numbers that sum up a run. Each word means one thing:
//
//   - parallelism is CPU time / wall time: how many cores were busy on
//     average; it cannot pass the machine's CPUs (a Go program's threads
//     may use more than GOMAXPROCS: the runtime's own, and those in
//     system calls);
//   - concurrency is busy time / wall time: how many tasks were under way
//     on average, whether running, waiting for a CPU or blocked;
//   - peak running is the most tasks' goroutines (or threads) on a CPU at
//     the same moment: at most the cores the run could use.
//
// Speedup is not among them: it compares two runs (see Compare and
// Sweep.Speedup), never one run with itself.
type Figures struct {
	Wall    time.Duration // from the run's start to its end
	CPU     time.Duration // user+system CPU time of the run's work (Recording.CPU)
	SelfCPU time.Duration // for runs of processes, this process's CPU time meanwhile
	Busy    time.Duration // the tasks' durations, summed

	Parallelism float64 // CPU / Wall
	Concurrency float64 // Busy / Wall
	Cores       int     // the cores the run's work could use at once (Recording.Cores)
	CPUs        int     // the machine's CPUs (Recording.NumCPU)
	// CPUMeasured reports whether the CPU time, and so the parallelism,
	// say something about the run: the OS brings CPU time up to date at
	// its scheduler's tick, and the tracer does a little work of its own,
	// so for a run shorter than MinCPUWall (or one whose parallelism
	// comes out above the machine's CPUs) they are left out of the
	// headline.
	CPUMeasured bool

	// States reports whether the tasks' states were recorded, and Source
	// where from (Recording.StateSource); the figures below are zero when
	// they were not.
	States bool
	Source string
	// PeakRunning is the most goroutines or threads of the tasks on a CPU
	// at the same moment, and PeakAt the first moment it happened. States
	// sampled from the OS cannot place time that finely: for them it is
	// the most CPUs in use on average over any PeakWindow (then not 0),
	// which need not be a whole number.
	PeakRunning float64
	PeakAt      time.Duration
	PeakWindow  time.Duration
	// Time sums, over all tasks, the time their goroutines or threads
	// spent in each state.
	Time StateTimes
	// Lanes are the same figures per lane, in the order lanes first
	// appear, with a lane per busy thread of a process as in Rows.
	Lanes []LaneFigures
}

// MinCPUWall is the shortest run whose CPU time Figures trusts: the
// error (a tick's worth for a thread running when it is read, a fraction
// of a millisecond of the tracer's own work) is a few percent of it.
const MinCPUWall = 20 * time.Millisecond

// LaneFigures sum up one lane of a run.
type LaneFigures struct {
	Lane  string
	Tasks int
	Busy  time.Duration // the lane's tasks' durations, summed
	Time  StateTimes    // the time its tasks' goroutines or threads spent in each state
}

// Figures computes the recording's figures.
func (r *Recording) Figures() Figures {
	f := Figures{
		Wall: r.Wall, CPU: r.CPU, SelfCPU: r.SelfCPU, Busy: r.Busy(),
		Parallelism: r.Parallelism(), Concurrency: r.Concurrency(), Cores: r.Cores(), CPUs: r.NumCPU,
		Source: r.StateSource, Time: StateTimes{},
	}
	f.CPUMeasured = r.CPU > 0 && r.Wall >= MinCPUWall && (f.CPUs <= 0 || f.Parallelism <= float64(f.CPUs)*1.05)
	index := map[string]int{}
	for _, t := range r.Rows() {
		i, ok := index[t.Lane]
		if !ok {
			i = len(f.Lanes)
			index[t.Lane] = i
			f.Lanes = append(f.Lanes, LaneFigures{Lane: t.Lane, Time: StateTimes{}})
		}
		l := &f.Lanes[i]
		l.Tasks++
		l.Busy += t.Duration()
		if t.HasStates() {
			f.States = true
			st := t.StateTimes()
			l.Time.add(st)
			f.Time.add(st)
		}
	}
	if f.States {
		f.PeakRunning, f.PeakAt = peakRunning(r.Tasks)
		if sampled(r.Tasks) {
			f.PeakWindow = peakWindow
			f.PeakRunning, f.PeakAt = peakSampled(r.Tasks, peakWindow)
		}
	}
	return f
}

// peakWindow is the stretch over which the peak of sampled states is
// taken: five scheduler ticks at 250 Hz. The kernel brings a running
// thread's counter up to date only at a tick or when it leaves the CPU,
// so over a single sampling interval two threads that took turns can
// look as if they ran at once; over 20 ms that error is small.
const peakWindow = 20 * time.Millisecond

// sampled reports whether the tasks' states were sampled from the OS.
func sampled(tasks []Task) bool {
	for _, t := range tasks {
		if len(t.Threads) > 0 {
			return true
		}
	}
	return false
}

// peakSampled is the most CPUs the tasks' threads used, on average over
// any window of length w, and where such a window starts.
func peakSampled(tasks []Task, w time.Duration) (float64, time.Duration) {
	var end time.Duration
	for _, t := range tasks {
		for _, th := range t.Threads {
			for _, s := range th.Samples {
				end = max(end, s.End)
			}
		}
	}
	if end <= 0 || end > 24*time.Hour {
		return 0, 0
	}
	// Half-millisecond bins, fewer for very long runs (a recording read
	// from a file may claim anything): at most a million.
	bin := max(time.Millisecond/2, end/(1<<20)+1)
	busy := make([]float64, (end+bin-1)/bin) // CPU time per bin, in bins
	for _, t := range tasks {
		for _, th := range t.Threads {
			for _, s := range th.Samples {
				d := s.End - s.Start
				if d <= 0 || s.Running <= 0 || s.Start < 0 {
					continue
				}
				rate := float64(s.Running) / float64(d)
				for k := s.Start / bin; k*bin < s.End && int(k) < len(busy); k++ {
					lo, hi := max(s.Start, k*bin), min(s.End, (k+1)*bin)
					busy[k] += rate * float64(hi-lo) / float64(bin)
				}
			}
		}
	}
	n := max(int(w/bin), 1)
	best, at, sum := 0.0, time.Duration(0), 0.0
	// Every window is a full one: a shorter stretch at the start would be
	// as coarse as a single sample, which is what the window is for. A run
	// shorter than w has one window, the whole run.
	n = min(n, len(busy))
	for k := range busy {
		sum += busy[k]
		if k >= n {
			sum -= busy[k-n]
		}
		if k < n-1 {
			continue
		}
		if avg := sum / float64(n); avg > best+1e-9 {
			best, at = avg, time.Duration(k+1-n)*bin
		}
	}
	return best, at
}

// peakRunning is the most goroutines running (holding a P) or threads on
// a CPU at once, and when that first happened. Exact spans count one each;
// a sample counts its share of its interval spent running.
func peakRunning(tasks []Task) (float64, time.Duration) {
	type edge struct {
		at    time.Duration
		delta float64
	}
	var edges []edge
	for _, t := range tasks {
		for _, g := range t.Goroutines {
			for _, s := range g.States {
				if s.State == StateRunning && s.End > s.Start {
					edges = append(edges, edge{s.Start, 1}, edge{s.End, -1})
				}
			}
		}
		for _, th := range t.Threads {
			for _, s := range th.Samples {
				if d := s.End - s.Start; d > 0 && s.Running > 0 {
					rate := float64(s.Running) / float64(d)
					edges = append(edges, edge{s.Start, rate}, edge{s.End, -rate})
				}
			}
		}
	}
	slices.SortFunc(edges, func(a, b edge) int {
		if c := cmp.Compare(a.at, b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.delta, b.delta) // ends before starts
	})
	best, at, n := 0.0, time.Duration(0), 0.0
	for _, e := range edges {
		n += e.delta
		if n > best+1e-9 {
			best, at = n, e.at
		}
	}
	return best, at
}

// Headline is the figures in one line, as charts of the run show them
// under their title: "wall 93 ms · CPU 104 ms · parallelism 1.12 ·
// concurrency 3.46 · peak running 2 of 2 cores".
func (f Figures) Headline() string {
	parts := []string{"wall " + FormatDuration(f.Wall)}
	if f.CPUMeasured {
		parts = append(parts, "CPU "+FormatDuration(f.CPU), "parallelism "+formatRatio(f.Parallelism))
	}
	parts = append(parts, "concurrency "+formatRatio(f.Concurrency))
	if f.States {
		parts = append(parts, "peak running "+f.peakText()+f.ofCores())
	}
	return strings.Join(parts, " · ")
}

// peakWhat says what the peak counts: the most goroutines running at the
// same moment, or for sampled threads the most CPUs over a window.
func (f Figures) peakWhat() string {
	if f.PeakWindow > 0 {
		return fmt.Sprintf("the most CPUs the threads used, on average over %s (the OS's counters cannot place time more finely)", FormatDuration(f.PeakWindow))
	}
	return "the most goroutines running (each holding a P) at the same moment"
}

// ShortHeadline is Headline without the CPU time and the concurrency, for
// where room is short: "wall 93 ms · parallelism 1.12 · peak running 2 of
// 2 cores".
func (f Figures) ShortHeadline() string {
	parts := []string{"wall " + FormatDuration(f.Wall)}
	if f.CPUMeasured {
		parts = append(parts, "parallelism "+formatRatio(f.Parallelism))
	}
	if f.States {
		parts = append(parts, "peak running "+f.peakText()+f.ofCores())
	}
	return strings.Join(parts, " · ")
}

// Brief is the shortest form of Headline: "wall 93 ms · peak running 2 of
// 2 cores" (the wall time alone when no states were recorded).
func (f Figures) Brief() string {
	s := "wall " + FormatDuration(f.Wall)
	if f.States {
		s += " · peak running " + f.peakText() + f.ofCores()
	}
	return s
}

// peakText prints the peak: a whole number for exact states, one decimal
// for sampled ones.
func (f Figures) peakText() string {
	if f.PeakRunning == float64(int(f.PeakRunning)) {
		return fmt.Sprint(int(f.PeakRunning))
	}
	return fmt.Sprintf("%.1f", f.PeakRunning)
}

// available is " (2 CPUs; GOMAXPROCS 1)": the machine's CPUs, and the
// cores the run's work could use where they are fewer.
func (f Figures) available() string {
	switch {
	case f.CPUs <= 0:
		return ""
	case f.Cores > 0 && f.Cores < f.CPUs:
		return fmt.Sprintf(" (of %s; %d for Go code at once)", plural(f.CPUs, "CPU"), f.Cores)
	}
	return " (of " + plural(f.CPUs, "CPU") + ")"
}

// ofCores is " of 2 cores", or "" when the cores are unknown.
func (f Figures) ofCores() string {
	if f.Cores <= 0 {
		return ""
	}
	return " of " + plural(f.Cores, "core")
}

// String is the state times in one line: "running 104ms, runnable 58ms,
// blocked 160ms (sleep 160ms)".
func (st StateTimes) String() string {
	parts := []string{"running " + FormatDuration(st.Running()), "runnable " + FormatDuration(st.Runnable()),
		"blocked " + FormatDuration(st.Blocked())}
	var reasons []string
	for _, s := range blockedStates {
		if d := st[s]; d > 0 && s != StateBlocked {
			reasons = append(reasons, string(s)+" "+FormatDuration(d))
		}
	}
	if len(reasons) > 0 {
		parts[2] += " (" + strings.Join(reasons, ", ") + ")"
	}
	return strings.Join(parts, ", ")
}

// blockedStates lists the blocked states in the order summaries give them.
var blockedStates = []State{StateSync, StateChan, StateSelect, StateSleep, StateSyscall, StateGC, StateOther, StateBlocked}

// formatRatio prints a ratio with two decimals, or three significant digits
// from 10 on.
func formatRatio(v float64) string {
	if v >= 10 {
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.2f", v)
}

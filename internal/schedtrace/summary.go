package schedtrace

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Summary is the short story of a trace.
type Summary struct {
	Span       time.Duration
	GOMAXPROCS int
	Procs      int // Ps that ran anything
	// Goroutines counts the program's goroutines the trace saw (main
	// included, when HasMain); Created those created while tracing.
	Goroutines, Created int
	// HasMain reports whether the main goroutine is among them.
	HasMain bool
	// MaxRunnable is the largest number of the program's goroutines that
	// were runnable, waiting for a P, at the same moment; MaxRunnableAt
	// is when that first happened.
	MaxRunnable   int
	MaxRunnableAt time.Duration
	// Time sums, over the program's goroutines, the time spent in each
	// state: Time[Sync] is how long goroutines waited on locks in all.
	Time [numStates]time.Duration
	// Busy is the time the Ps ran anything, summed over Ps; ProgramBusy
	// the part of it the program's own goroutines ran.
	Busy, ProgramBusy time.Duration
	// GCCycles counts GC mark phases; STW sums the stop-the-world pauses.
	GCCycles int
	STW      time.Duration
	// Incomplete is Trace.Incomplete.
	Incomplete string
}

// Summary computes the trace's summary.
func (t *Trace) Summary() Summary {
	s := Summary{Span: t.Span, GOMAXPROCS: t.GOMAXPROCS, Procs: len(t.Procs), Goroutines: len(t.Goroutines),
		GCCycles: len(t.GCMark), Incomplete: t.Incomplete}
	var runnable []Interval
	for _, g := range t.Goroutines {
		if g.Created {
			s.Created++
		}
		s.HasMain = s.HasMain || g.Main()
		for _, iv := range g.Intervals {
			s.Time[iv.State] += iv.End - iv.Start
			if iv.State == Runnable {
				runnable = append(runnable, iv)
			}
		}
	}
	s.MaxRunnable, s.MaxRunnableAt = maxOverlap(runnable)
	for _, p := range t.Procs {
		for _, sl := range p.Slices {
			d := sl.End - sl.Start
			s.Busy += d
			if sl.State != Runtime && !(sl.State == GC && !t.Program(sl.G)) {
				s.ProgramBusy += d
			}
		}
	}
	for _, p := range t.STW {
		if !p.ByTracer() {
			s.STW += p.End - p.Start
		}
	}
	return s
}

// Program reports whether goroutine id is one of the program's: neither the
// runtime's nor hidden.
func (t *Trace) Program(id int64) bool {
	_, found := slices.BinarySearchFunc(t.Goroutines, id, func(g *Goroutine, id int64) int { return cmp.Compare(g.ID, id) })
	return found
}

// Goroutine returns the program's goroutine id, or nil.
func (t *Trace) Goroutine(id int64) *Goroutine {
	i, found := slices.BinarySearchFunc(t.Goroutines, id, func(g *Goroutine, id int64) int { return cmp.Compare(g.ID, id) })
	if !found {
		return nil
	}
	return t.Goroutines[i]
}

// maxOverlap is the largest number of intervals covering one moment, and
// the first moment it happens. An interval ending when another starts does
// not overlap it.
func maxOverlap(ivs []Interval) (int, time.Duration) {
	type edge struct {
		at    time.Duration
		delta int
	}
	edges := make([]edge, 0, 2*len(ivs))
	for _, iv := range ivs {
		edges = append(edges, edge{iv.Start, 1}, edge{iv.End, -1})
	}
	slices.SortFunc(edges, func(a, b edge) int {
		if c := cmp.Compare(a.at, b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.delta, b.delta) // ends before starts
	})
	best, at, n := 0, time.Duration(0), 0
	for _, e := range edges {
		n += e.delta
		if n > best {
			best, at = n, e.at
		}
	}
	return best, at
}

// Headline is the summary in one line: the facts a reader looks for first.
func (s Summary) Headline() string {
	parts := []string{"traced " + formatDuration(s.Span)}
	if s.GOMAXPROCS > 0 {
		parts = append(parts, fmt.Sprintf("GOMAXPROCS=%d", s.GOMAXPROCS))
	}
	created := fmt.Sprintf("%d goroutines created", s.Created)
	if s.Created == 1 {
		created = "1 goroutine created"
	}
	parts = append(parts, created,
		fmt.Sprintf("most runnable at once: %d", s.MaxRunnable))
	if st, d := s.MostBlocked(); d > 0 {
		name := st.String()
		if st == Chan {
			name = "channels"
		}
		parts = append(parts, "blocked most on "+name)
	}
	if s.Incomplete != "" {
		parts = append(parts, "incomplete")
	}
	return strings.Join(parts, " · ")
}

// MostBlocked is the reason goroutines were blocked the longest for, and
// that time; the time is 0 when none blocked.
func (s Summary) MostBlocked() (State, time.Duration) {
	best, d := Other, time.Duration(0)
	for _, st := range blockedOrder {
		if s.Time[st] > d {
			best, d = st, s.Time[st]
		}
	}
	return best, d
}

// blockedOrder lists the blocked states in the order summaries give them.
var blockedOrder = []State{Sync, Chan, Select, Sleep, Syscall, GC, Other}

// Lines is the summary as text, one fact a line.
func (s Summary) Lines() []string {
	head := "traced " + formatDuration(s.Span)
	if s.GOMAXPROCS > 0 {
		head += fmt.Sprintf(" with GOMAXPROCS=%d", s.GOMAXPROCS)
	}
	if s.Procs > 0 && s.Span > 0 {
		head += fmt.Sprintf("; the Ps were busy %s of the time (%s of it the program's own goroutines)",
			percent(float64(s.Busy)/float64(s.Span*time.Duration(max(s.Procs, s.GOMAXPROCS)))),
			percent(float64(s.ProgramBusy)/float64(max(s.Busy, 1))))
	}
	lines := []string{head}
	g := fmt.Sprintf("goroutines: %d created while tracing, %d in all", s.Created, s.Goroutines)
	if s.HasMain {
		g += " (main included)"
	}
	if s.MaxRunnable > 0 {
		g += fmt.Sprintf("; most runnable at once: %d (at %s)", s.MaxRunnable, formatDuration(s.MaxRunnableAt))
	} else {
		g += "; none ever waited for a P"
	}
	lines = append(lines, g)
	running := "running " + formatDuration(s.Time[Running])
	if a := s.Time[Assist]; a > 0 {
		running += " (and helping the GC " + formatDuration(a) + ")"
	}
	lines = append(lines, "time summed over goroutines: "+running+
		", runnable "+formatDuration(s.Time[Runnable])+", blocked "+formatDuration(s.blocked()))
	var parts []string
	for _, st := range blockedOrder {
		if d := s.Time[st]; d > 0 {
			parts = append(parts, fmt.Sprintf("%s %s", blockedLabel(st), formatDuration(d)))
		}
	}
	if len(parts) > 0 {
		lines = append(lines, "blocked by reason: "+strings.Join(parts, ", "))
	}
	if s.GCCycles > 0 {
		lines = append(lines, fmt.Sprintf("GC: %d cycle%s, stop-the-world pauses %s in all",
			s.GCCycles, map[bool]string{true: "", false: "s"}[s.GCCycles == 1], formatDuration(s.STW)))
	}
	if s.Incomplete != "" {
		lines = append(lines, "the trace is incomplete: "+s.Incomplete)
	}
	return lines
}

// blocked is the time goroutines spent blocked, all reasons together.
func (s Summary) blocked() time.Duration {
	var d time.Duration
	for _, st := range blockedOrder {
		d += s.Time[st]
	}
	return d
}

// blockedLabel names a blocked state in a sentence.
func blockedLabel(s State) string {
	switch s {
	case Sync:
		return "sync (mutex, WaitGroup, Cond)"
	case Chan:
		return "channel"
	case Syscall:
		return "syscall/I/O"
	}
	return s.String()
}

// formatDuration prints d with three significant digits: "12.3 ms".
func formatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0 s"
	case d < time.Microsecond:
		return fmt.Sprintf("%d ns", d)
	case d < time.Millisecond:
		return sig(float64(d)/1e3) + " µs"
	case d < time.Second:
		return sig(float64(d)/1e6) + " ms"
	}
	return sig(float64(d)/1e9) + " s"
}

// sig prints v (1 <= v < 1000, or more for seconds) with three significant digits.
func sig(v float64) string {
	var s string
	switch {
	case v >= 100:
		s = fmt.Sprintf("%.0f", v)
	case v >= 10:
		s = fmt.Sprintf("%.1f", v)
	default:
		s = fmt.Sprintf("%.2f", v)
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func percent(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) }

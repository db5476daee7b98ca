package check

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options tune Run. The zero value is a sound default.
type Options struct {
	// Runs is how many times the check runs; 50 when 0.
	Runs int
	// Procs are the GOMAXPROCS values the runs cycle through; 1, 2 and 4
	// when empty. One P gives schedules that only preemption interleaves,
	// more Ps than cores give the OS's interleavings too.
	Procs []int
	// Timeout is how long one run may take before it counts as stuck
	// (a deadlock, or far too slow); 2 s when 0.
	Timeout time.Duration
	// Race requires the race detector: a data race in any run fails the
	// check, and a program built without the detector fails it at once,
	// saying how to turn it on.
	Race bool
	// AllowLeaks accepts goroutines a run leaves running; by default a
	// run's goroutines must all have ended shortly after it returns.
	AllowLeaks bool
}

// A Kind is a way a run can fail.
type Kind string

// The ways a run fails.
const (
	Wrong   Kind = "wrong"            // the check called Errorf or Fatalf
	Panic   Kind = "panic"            // the run panicked
	Stuck   Kind = "stuck"            // the run did not finish within the timeout
	Leak    Kind = "leak"             // goroutines of the run were left behind
	Race    Kind = "race"             // the race detector reported a data race
	NoRace  Kind = "no race detector" // Options.Race without the detector
	skipped Kind = ""
)

// A Failure is how one run went wrong.
type Failure struct {
	Run        int    // from 1
	GOMAXPROCS int    // of that run
	Kind       Kind   //
	Message    string // what was found, places named as the notebook shows them
}

// A Report is the outcome of Run.
type Report struct {
	Name     string
	Runs     int       // runs made
	Planned  int       // runs asked for
	Procs    []int     // the GOMAXPROCS values cycled through
	Failures []Failure // at most one per run, in run order
}

// OK reports whether every planned run was made and none failed.
func (r *Report) OK() bool { return len(r.Failures) == 0 && r.Runs == r.Planned }

// Failed counts the failed runs of each kind.
func (r *Report) Failed() map[Kind]int {
	n := map[Kind]int{}
	for _, f := range r.Failures {
		n[f.Kind]++
	}
	return n
}

// String says in a line or a few how the check went: "counter: passed 50
// of 50 runs (GOMAXPROCS 1, 2, 4)", or for each kind of failure how many
// runs failed that way and the first of them.
func (r *Report) String() string {
	procs := make([]string, len(r.Procs))
	for i, p := range r.Procs {
		procs[i] = fmt.Sprint(p)
	}
	across := "GOMAXPROCS " + strings.Join(procs, ", ")
	if r.OK() {
		return fmt.Sprintf("%s: passed %d of %d runs (%s)", r.Name, r.Runs, r.Planned, across)
	}
	var b strings.Builder
	if r.Runs == 0 && len(r.Failures) > 0 {
		// Refused before any run (no race detector, a race before the check).
		fmt.Fprintf(&b, "%s: FAILED before its first run: %s", r.Name, r.Failures[0].Message)
		return b.String()
	}
	fmt.Fprintf(&b, "%s: FAILED in %d of %d runs (%s)", r.Name, len(r.Failures), r.Runs, across)
	if r.Runs < r.Planned {
		fmt.Fprintf(&b, "; stopped after run %d of %d", r.Runs, r.Planned)
	}
	seen := map[Kind]bool{}
	counts := r.Failed()
	for _, f := range r.Failures {
		if seen[f.Kind] {
			continue
		}
		seen[f.Kind] = true
		fmt.Fprintf(&b, "\n  %s in %d of %d runs; first, run %d (GOMAXPROCS %d): %s",
			f.Kind, counts[f.Kind], r.Runs, f.Run, f.GOMAXPROCS, f.Message)
	}
	return b.String()
}

// Must does nothing when the check passed; otherwise it panics with the
// report, so that a graded cell fails and its error says why. It is meant
// for the last line of a grading cell, as regexp.MustCompile is for a
// pattern known at compile time.
func (r *Report) Must() {
	if !r.OK() {
		panic(r.String())
	}
}

// A C is what one run of a check reports to.
type C struct {
	run, procs int
	mu         sync.Mutex
	errs       []string
}

// Run is the run's number, from 1.
func (c *C) Run() int { return c.run }

// GOMAXPROCS is the run's GOMAXPROCS.
func (c *C) GOMAXPROCS() int { return c.procs }

// Errorf records that the run's result is wrong; the run goes on.
func (c *C) Errorf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

// Fatalf records that the run's result is wrong and ends the run. Call it
// from the goroutine running the check only, as with testing.T.
func (c *C) Fatalf(format string, args ...any) {
	c.Errorf(format, args...)
	runtime.Goexit()
}

func (c *C) failures() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.errs)
}

// Run runs fn opt.Runs times, cycling GOMAXPROCS through opt.Procs, and
// reports every run that went wrong (see the package documentation). A run
// that does not finish in time or leaks goroutines ends the check (its
// goroutines cannot be stopped, and later runs would meet them), and so
// does a data race (the detector reports each race once per program, so
// later runs would look clean; for the same reason a Race check fails at
// once in a program that has raced before it). GOMAXPROCS is restored
// after.
func Run(name string, opt Options, fn func(c *C)) *Report {
	if opt.Runs <= 0 {
		opt.Runs = 50
	}
	if len(opt.Procs) == 0 {
		opt.Procs = []int{1, 2, 4}
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 2 * time.Second
	}
	r := &Report{Name: name, Planned: opt.Runs, Procs: opt.Procs}
	if opt.Race && !RaceEnabled {
		r.Failures = append(r.Failures, Failure{Kind: NoRace, Message: "this check needs the race detector: " +
			"put %race on the first line of a compiled cell (live cells have no race detector; go test -race outside a notebook)"})
		return r
	}
	if n := raceReports(); opt.Race && n > 0 {
		r.Failures = append(r.Failures, Failure{Kind: Race, Message: fmt.Sprintf("the race detector reported %d data race(s) "+
			"before this check began, and it reports each race only once, so the check cannot tell whether its own runs race: "+
			"fix the race reported above, or run the check in a cell of its own", n)})
		return r
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for i := range opt.Runs {
		procs := max(opt.Procs[i%len(opt.Procs)], 1)
		runtime.GOMAXPROCS(procs)
		f, stuck := runOnce(i+1, procs, opt, fn)
		r.Runs++
		if f.Kind != skipped {
			r.Failures = append(r.Failures, f)
		}
		if stuck {
			break
		}
	}
	return r
}

// runOnce makes one run and says how it failed, if it did, and whether the
// check must stop: a run that is stuck or leaked goroutines leaves them
// behind for good.
func runOnce(run, procs int, opt Options, fn func(c *C)) (Failure, bool) {
	fail := func(k Kind, msg string) Failure { return Failure{Run: run, GOMAXPROCS: procs, Kind: k, Message: msg} }
	all := goroutines()
	before, count := ids(all), len(all)
	races := raceReports()
	c := &C{run: run, procs: procs}
	done := make(chan any, 1)
	go func() {
		finished := false
		defer func() {
			if finished {
				done <- nil
				return
			}
			if p := recover(); p != nil {
				done <- panicked{p, panicPlace()}
				return
			}
			done <- nil // Fatalf's Goexit
		}()
		fn(c)
		finished = true
	}()
	timer := time.NewTimer(opt.Timeout)
	defer timer.Stop()
	select {
	case v := <-done:
		if p, ok := v.(panicked); ok {
			return fail(Panic, p.String()), false
		}
	case <-timer.C:
		return fail(Stuck, stuckMessage(opt.Timeout, started(before))), true
	}
	if n := raceReports() - races; n > 0 {
		// The detector reports a race once per program: later runs of
		// the same code would look clean. Stop here.
		return fail(Race, fmt.Sprintf("the race detector reported %d data race(s); its report, above on stderr, names the lines", n)), true
	}
	if errs := c.failures(); len(errs) > 0 {
		msg := errs[0]
		if len(errs) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(errs)-1)
		}
		return fail(Wrong, msg), false
	}
	if !opt.AllowLeaks {
		if left := leftBehind(before, count); len(left) > 0 {
			// Later runs would meet the leaked goroutines: stop here.
			return fail(Leak, fmt.Sprintf("%d goroutine(s) still running after the run returned: %s", len(left), describe(left))), true
		}
	}
	return Failure{}, false
}

// panicked is a run's panic and where it happened.
type panicked struct {
	value any
	where string
}

func (p panicked) String() string {
	if p.where == "" {
		return fmt.Sprintf("panic: %v", p.value)
	}
	return fmt.Sprintf("panic: %v (at %s)", p.value, p.where)
}

// panicPlace names where the panic being recovered happened: the first
// place in the program's own code on the panicking goroutine's stack.
func panicPlace() string {
	buf := make([]byte, 16<<10)
	n := runtime.Stack(buf, false)
	gs := parseDump(buf[:n])
	if len(gs) == 0 {
		return ""
	}
	return gs[0].where
}

// ids is the set of the goroutines' IDs.
func ids(gs []goroutine) map[int64]bool {
	m := make(map[int64]bool, len(gs))
	for _, g := range gs {
		m[g.id] = true
	}
	return m
}

// started returns the goroutines that did not exist before.
func started(before map[int64]bool) []goroutine {
	var out []goroutine
	for _, g := range goroutines() {
		if !before[g.id] {
			out = append(out, g)
		}
	}
	return out
}

// leakGrace is how long goroutines of a run may take to end after it
// returned: a worker that is told to stop needs a moment to see it. On a
// busy machine it may not even get a CPU in that time, so goroutines that
// are runnable (waiting for a CPU) or running get up to maxLeakGrace.
const (
	leakGrace    = 100 * time.Millisecond
	maxLeakGrace = time.Second
)

// leftBehind returns the goroutines started since before (count of them
// besides the caller) that are still there leakGrace after the run
// returned, or maxLeakGrace when some of them are runnable or running. It
// waits on the cheap goroutine count, and dumps the stacks once the count
// is back or a grace is over.
func leftBehind(before map[int64]bool, count int) []goroutine {
	start := time.Now()
	for {
		deadline := time.Now().Add(leakGrace)
		for runtime.NumGoroutine()-1 > count && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		gs := started(before)
		if len(gs) == 0 || time.Since(start) >= maxLeakGrace || !slices.ContainsFunc(gs, goroutine.moving) {
			return gs
		}
	}
}

// stuckMessage says why a run did not finish: a deadlock when each of its
// goroutines waits for another, otherwise too slow or endless.
func stuckMessage(timeout time.Duration, gs []goroutine) string {
	allBlocked := len(gs) > 0
	for _, g := range gs {
		allBlocked = allBlocked && g.blocked()
	}
	what := "still running after %v: too slow, or a loop that never ends"
	if allBlocked {
		what = "a deadlock: after %v every goroutine of the run is blocked"
	}
	return fmt.Sprintf(what, timeout) + ": " + describe(gs)
}

// describe lists goroutines by state and place, counting repeats:
// "[chan send] at line 7 (x3); [sync.WaitGroup.Wait] at line 12".
func describe(gs []goroutine) string {
	var order []string
	count := map[string]int{}
	for _, g := range gs {
		s := g.String()
		if count[s] == 0 {
			order = append(order, s)
		}
		count[s]++
	}
	for i, s := range order {
		if count[s] > 1 {
			order[i] = fmt.Sprintf("%s (x%d)", s, count[s])
		}
	}
	const most = 5
	if len(order) > most {
		order = append(order[:most], fmt.Sprintf("and %d more", len(order)-most))
	}
	return strings.Join(order, "; ")
}

package demos

import (
	"cmp"
	"fmt"
)

// A Comparison is how a run of some work fared against a baseline run of
// the same work: the speedup is the baseline's wall time over the run's.
// Speedup only ever compares two runs; a single run has none.
type Comparison struct {
	Base, Run *Recording
	// Speedup is Base.Wall / Run.Wall: 2 means the run took half the
	// baseline's time, 0.5 twice as long. It is 0 when either wall time is
	// unknown.
	Speedup float64
}

// Compare compares run with the baseline base.
func Compare(base, run *Recording) Comparison {
	c := Comparison{Base: base, Run: run}
	if base != nil && run != nil && base.Wall > 0 && run.Wall > 0 {
		c.Speedup = float64(base.Wall) / float64(run.Wall)
	}
	return c
}

// String says it in one line: `"2 goroutines" against the baseline "1
// goroutine": speedup 1.98 (wall 48.3ms against 95.6ms)`.
func (c Comparison) String() string {
	if c.Speedup == 0 {
		return fmt.Sprintf("%s against the baseline %s: no speedup (a wall time is missing)", runName(c.Run), runName(c.Base))
	}
	verdict := "faster"
	if c.Speedup < 1 {
		verdict = "slower"
	}
	return fmt.Sprintf("%s against the baseline %s: speedup %s, %s (wall %s against %s)",
		runName(c.Run), runName(c.Base), formatRatio(c.Speedup), verdict, FormatDuration(c.Run.Wall), FormatDuration(c.Base.Wall))
}

// runName is how a comparison names a run: its title or kind, quoted.
func runName(r *Recording) string {
	if r == nil {
		return "(no run)"
	}
	return fmt.Sprintf("%q", cmp.Or(r.Title, r.Kind, "run"))
}

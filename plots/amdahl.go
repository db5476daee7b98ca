package plots

import (
	"errors"
	"math"
	"time"
)

// Amdahl is a fit of Amdahl's law to measured wall times: with n workers a
// run takes Serial + Parallel/n.
type Amdahl struct {
	Serial   time.Duration // the part no number of workers shortens
	Parallel time.Duration // the part n workers share
}

// ErrTooFewRuns is returned by FitAmdahl when the runs do not cover at least
// two different worker counts.
var ErrTooFewRuns = errors.New("fit amdahl: need runs with at least two different worker counts")

// FitAmdahl fits Amdahl's law to runs by least squares on the wall times.
// Runs with no workers or no wall time are ignored. Both parts are kept
// non-negative: if the best straight fit has a negative part, that part is
// zero and the other is refitted alone.
func FitAmdahl(runs []Run) (Amdahl, error) {
	var xs, ts []float64
	distinct := map[int]bool{}
	for _, r := range runs {
		if r.Workers <= 0 || r.Wall <= 0 {
			continue
		}
		xs = append(xs, 1/float64(r.Workers))
		ts = append(ts, float64(r.Wall))
		distinct[r.Workers] = true
	}
	if len(distinct) < 2 {
		return Amdahl{}, ErrTooFewRuns
	}
	// T = a + b·x with x = 1/n: ordinary least squares.
	n := float64(len(xs))
	var sx, st, sxx, sxt float64
	for i, x := range xs {
		sx += x
		st += ts[i]
		sxx += x * x
		sxt += x * ts[i]
	}
	b := (n*sxt - sx*st) / (n*sxx - sx*sx)
	a := (st - b*sx) / n
	switch {
	case a < 0: // all parallel: T = b·x through the origin
		a, b = 0, sxt/sxx
	case b < 0: // no gain from workers at all: T = a
		a, b = st/n, 0
	}
	return Amdahl{Serial: time.Duration(math.Round(a)), Parallel: time.Duration(math.Round(b))}, nil
}

// Fraction is the share of one worker's time that runs in parallel, p in
// Amdahl's law.
func (a Amdahl) Fraction() float64 {
	total := a.Serial + a.Parallel
	if total <= 0 {
		return 0
	}
	return float64(a.Parallel) / float64(total)
}

// Wall is the fitted wall time with n workers.
func (a Amdahl) Wall(n float64) time.Duration {
	if n <= 0 {
		return 0
	}
	return a.Serial + time.Duration(float64(a.Parallel)/n)
}

// Speedup is the fitted speedup with n workers over one worker:
// 1 / ((1-p) + p/n).
func (a Amdahl) Speedup(n float64) float64 {
	p := a.Fraction()
	if n <= 0 {
		return 0
	}
	return 1 / ((1 - p) + p/n)
}

// Limit is the speedup no number of workers can pass, 1/(1-p); +Inf when
// the fit finds no serial part.
func (a Amdahl) Limit() float64 {
	p := a.Fraction()
	if p >= 1 {
		return math.Inf(1)
	}
	return 1 / (1 - p)
}

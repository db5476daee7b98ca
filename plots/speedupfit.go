package plots

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// minFitCounts is how many worker counts within the cores a sweep needs
// before Speedup fits Amdahl's law: through two points every such curve
// passes exactly, so a fit to two says nothing about a third.
const minFitCounts = 3

// A sweepFit is Amdahl's law fitted to a sweep, with how far the parallel
// fraction moves when any one worker count is left out (the fit's
// uncertainty, as far as the runs can show it).
type sweepFit struct {
	Amdahl
	lo, hi float64 // parallel fraction: least and most of the fits
	capped bool    // fitted within the cores; flat past them
	cores  int
}

// Why Speedup draws no fit.
var (
	errNoCPU    = errors.New("the runs carry no CPU time, so nothing shows the work is CPU-bound")
	errIOBound  = errors.New("the workers mostly wait instead of computing: Amdahl's law describes work shared among cores, and cores are not what limits this sweep")
	errFewSizes = fmt.Errorf("a fit needs runs with %d different worker counts within the cores: with fewer, every curve fits", minFitCounts)
)

// workload says whether the sweep's work computes or waits, from its runs
// with the fewest workers (where waiting for a core cannot hide either):
// CPU-bound when their CPU time is at least half of what their workers
// could use, wall × min(workers, cores). known is false when those runs
// have no CPU time.
func (s Sweep) workload() (cpuBound, known bool) {
	fewest := 0
	var shares []float64
	for _, r := range s.Runs {
		if r.Workers <= 0 || r.Wall <= 0 || r.CPU <= 0 {
			continue
		}
		if fewest == 0 || r.Workers < fewest {
			fewest, shares = r.Workers, shares[:0]
		}
		if r.Workers == fewest {
			usable := fewest
			if s.NumCPU > 0 {
				usable = min(usable, s.NumCPU)
			}
			shares = append(shares, float64(r.CPU)/(float64(r.Wall)*float64(usable)))
		}
	}
	if len(shares) == 0 {
		return false, false
	}
	slices.Sort(shares)
	return shares[len(shares)/2] >= 0.5, true
}

// fit fits Amdahl's law to the sweep when the runs can support it: a
// CPU-bound sweep with at least minFitCounts worker counts within the
// cores (past them the machine, not the program, is the limit). Otherwise
// the error says why there is no fit.
func (s Sweep) fit() (sweepFit, error) {
	cpu, known := s.workload()
	switch {
	case !known:
		return sweepFit{}, errNoCPU
	case !cpu:
		return sweepFit{}, errIOBound
	}
	var runs []Run
	counts := map[int]bool{}
	for _, r := range s.Runs {
		if r.Workers > 0 && r.Wall > 0 && (s.NumCPU <= 0 || r.Workers <= s.NumCPU) {
			runs = append(runs, r)
			counts[r.Workers] = true
		}
	}
	if len(counts) < minFitCounts {
		if s.NumCPU > 0 && s.NumCPU < minFitCounts {
			return sweepFit{}, fmt.Errorf("%w (this machine has %d)", errFewSizes, s.NumCPU)
		}
		return sweepFit{}, errFewSizes
	}
	all, err := FitAmdahl(runs)
	if err != nil {
		return sweepFit{}, err
	}
	f := sweepFit{Amdahl: all, lo: all.Fraction(), hi: all.Fraction(), cores: s.NumCPU}
	f.capped = s.NumCPU > 0 && slices.ContainsFunc(s.Runs, func(r Run) bool { return r.Workers > s.NumCPU })
	for n := range counts {
		rest := slices.DeleteFunc(slices.Clone(runs), func(r Run) bool { return r.Workers == n })
		if part, err := FitAmdahl(rest); err == nil {
			f.lo, f.hi = math.Min(f.lo, part.Fraction()), math.Max(f.hi, part.Fraction())
		}
	}
	return f, nil
}

// speedup is the fitted speedup with n workers, flat past the cores when
// the fit was made within them.
func (f sweepFit) speedup(n float64) float64 {
	if f.capped {
		n = math.Min(n, float64(f.cores))
	}
	return f.Amdahl.Speedup(n)
}

// fraction prints the parallel fraction with its range: "95% (93–97%)".
func (f sweepFit) fraction() string {
	mid := formatPercent(f.Fraction())
	lo, hi := formatPercent(f.lo), formatPercent(f.hi)
	if lo == hi {
		return mid
	}
	return fmt.Sprintf("%s (%s–%s)", mid, strings.TrimSuffix(lo, "%"), hi)
}

// limit says what the fit implies for unlimited cores, as a range over
// the fits; "" when some fit finds no serial part (no bound can be read).
func (f sweepFit) limit() string {
	if f.hi >= 1 || f.lo >= 1 {
		return ""
	}
	lo, hi := formatTimes(1/(1-f.lo)), formatTimes(1/(1-f.hi))
	if lo == hi {
		return lo
	}
	return lo + " to " + hi
}

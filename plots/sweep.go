package plots

import (
	"cmp"
	"slices"
	"time"

	"github.com/conclab/conclab/demos"
)

// A Run is one measurement in a sweep: the same work done by Workers
// workers in Wall time, using CPU time on all cores together (0 when not
// measured). CPU time tells work that computes from work that waits: only
// the first is fitted to Amdahl's law.
type Run struct {
	Workers int
	Wall    time.Duration
	CPU     time.Duration
}

// A Sweep is the same work run with different numbers of workers, possibly
// several times each.
type Sweep struct {
	Title string
	Runs  []Run
	// NumCPU is the number of cores of the machine that ran the sweep, drawn
	// as a marker because more workers than cores cannot run at once. 0 if
	// unknown.
	NumCPU int
}

// SweepOf makes a sweep from recordings of the same work, taking each
// recording's Workers (or, when it is not set, its number of lanes) as its
// worker count, its Wall and CPU, and NumCPU from the first recording that
// has it.
func SweepOf(title string, recs ...*demos.Recording) Sweep {
	s := Sweep{Title: title}
	for _, rec := range recs {
		if rec == nil {
			continue
		}
		workers := rec.Workers
		if workers <= 0 {
			workers = len(rec.Lanes())
		}
		s.Runs = append(s.Runs, Run{Workers: workers, Wall: rec.Wall, CPU: rec.CPU})
		if s.NumCPU == 0 {
			s.NumCPU = rec.NumCPU
		}
	}
	return s
}

// A point is one worker count of a sweep, its runs reduced to their median.
type point struct {
	workers int
	walls   []time.Duration // sorted
	median  time.Duration
}

// points groups the usable runs by worker count, fewest workers first.
func (s Sweep) points() []point {
	by := map[int][]time.Duration{}
	for _, r := range s.Runs {
		if r.Workers > 0 && r.Wall > 0 {
			by[r.Workers] = append(by[r.Workers], r.Wall)
		}
	}
	var out []point
	for n, walls := range by {
		slices.Sort(walls)
		out = append(out, point{workers: n, walls: walls, median: medianDuration(walls)})
	}
	slices.SortFunc(out, func(a, b point) int { return cmp.Compare(a.workers, b.workers) })
	return out
}

// medianDuration of sorted durations; the mean of the middle two for an
// even count.
func medianDuration(sorted []time.Duration) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return sorted[n/2]
	}
	return sorted[n/2-1] + (sorted[n/2]-sorted[n/2-1])/2
}

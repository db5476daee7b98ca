package demos

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// A Sweep is the same work run with different worker counts, each possibly
// several times: the data of a speedup curve. plots.SweepOf(s.Title,
// s.Runs...) draws it.
type Sweep struct {
	Title string       `json:"title"`
	Runs  []*Recording `json:"runs"` // in the order they ran
}

// RunSweep calls run once for each worker count in counts, repeats times
// over (at least once), and collects the recordings. The repeats take turns
// (1, 2, 4, 1, 2, 4, ...) so that a slow stretch of the machine spreads over
// all counts instead of spoiling one. A recording without Workers gets the
// count it was run with. The sweep stops at the first error, or when ctx
// ends, and returns what it has so far with the error.
func RunSweep(ctx context.Context, title string, counts []int, repeats int, run func(ctx context.Context, workers int) (*Recording, error)) (*Sweep, error) {
	s := &Sweep{Title: title}
	for range max(repeats, 1) {
		for _, w := range counts {
			if err := context.Cause(ctx); ctx.Err() != nil {
				return s, fmt.Errorf("sweep %q: %w", title, err)
			}
			rec, err := run(ctx, w)
			if rec != nil {
				if rec.Workers == 0 {
					rec.Workers = w
				}
				s.Runs = append(s.Runs, rec)
			}
			if err != nil {
				return s, fmt.Errorf("sweep %q with %d workers: %w", title, w, err)
			}
		}
	}
	return s, nil
}

// Workers lists the worker counts that were run, fewest first.
func (s *Sweep) Workers() []int {
	var ws []int
	for _, r := range s.Runs {
		if !slices.Contains(ws, r.Workers) {
			ws = append(ws, r.Workers)
		}
	}
	slices.Sort(ws)
	return ws
}

// Wall is the median wall time of the runs with the given worker count,
// or 0 if there were none.
func (s *Sweep) Wall(workers int) time.Duration {
	var walls []time.Duration
	for _, r := range s.Runs {
		if r.Workers == workers {
			walls = append(walls, r.Wall)
		}
	}
	if len(walls) == 0 {
		return 0
	}
	slices.Sort(walls)
	n := len(walls)
	if n%2 == 1 {
		return walls[n/2]
	}
	return walls[n/2-1] + (walls[n/2]-walls[n/2-1])/2
}

// Speedup is how many times faster the median run with the given worker
// count was than the median run with the fewest workers (one, in a usual
// sweep). It is 0 when either is missing.
func (s *Sweep) Speedup(workers int) float64 {
	ws := s.Workers()
	if len(ws) == 0 {
		return 0
	}
	base, w := s.Wall(ws[0]), s.Wall(workers)
	if base <= 0 || w <= 0 {
		return 0
	}
	return float64(base) / float64(w)
}

// String is a table of the sweep: per worker count, the number of runs,
// the median wall time, the speedup and the efficiency (speedup per
// worker, relative to the fewest).
func (s *Sweep) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sweep %q: %d runs\n", s.Title, len(s.Runs))
	fmt.Fprintf(&b, "  %7s %4s %10s %8s %10s\n", "workers", "runs", "wall", "speedup", "efficiency")
	ws := s.Workers()
	for _, w := range ws {
		runs := 0
		for _, r := range s.Runs {
			if r.Workers == w {
				runs++
			}
		}
		eff := 0.0
		if w > 0 {
			eff = s.Speedup(w) * float64(ws[0]) / float64(w)
		}
		fmt.Fprintf(&b, "  %7d %4d %10s %7.2fx %9.0f%%\n", w, runs, FormatDuration(s.Wall(w)), s.Speedup(w), 100*eff)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// WriteJSON writes the sweep, recordings included, as JSON.
func (s *Sweep) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("write sweep: %w", err)
	}
	return nil
}

// ReadSweepJSON reads a sweep written by Sweep.WriteJSON.
func ReadSweepJSON(rd io.Reader) (*Sweep, error) {
	var s Sweep
	if err := json.NewDecoder(rd).Decode(&s); err != nil {
		return nil, fmt.Errorf("read sweep: %w", err)
	}
	s.Runs = slices.DeleteFunc(s.Runs, func(r *Recording) bool { return r == nil })
	return &s, nil
}

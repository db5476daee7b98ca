package demos

// Fastest runs each measurement n times (at least once), taking turns (a,
// b, c, a, b, c, ...), and returns for each the run with the shortest wall
// time. Other programs on a shared machine can slow a run down but never
// speed it up, so the fastest run is the one least disturbed; taking turns
// spreads a busy spell over all the measurements instead of spoiling one.
// A measurement that returns nil is skipped; one that never returned a
// recording is nil in the result.
func Fastest(n int, runs ...func() *Recording) []*Recording {
	best := make([]*Recording, len(runs))
	for range max(n, 1) {
		for i, run := range runs {
			if rec := run(); rec != nil && (best[i] == nil || rec.Wall < best[i].Wall) {
				best[i] = rec
			}
		}
	}
	return best
}

// Fastest returns a sweep with, for each worker count, only its run with
// the shortest wall time, in order of worker count: the speedup curve of
// the least disturbed runs (see the package function Fastest for why).
func (s *Sweep) Fastest() *Sweep {
	out := &Sweep{Title: s.Title}
	for _, w := range s.Workers() {
		var best *Recording
		for _, r := range s.Runs {
			if r.Workers == w && (best == nil || r.Wall < best.Wall) {
				best = r
			}
		}
		out.Runs = append(out.Runs, best)
	}
	return out
}

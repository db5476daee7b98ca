package demos

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// maxListed is how many failed tasks a summary names before it only counts.
const maxListed = 3

// String summarizes the recording in a few lines of text: what ran, the
// times and the figures derived from them, time per phase, failures,
// values and notes. It is what a notebook shows where no plot can be drawn.
func (r *Recording) String() string {
	var b strings.Builder
	name := cmp.Or(r.Kind, "recording")
	if r.Title != "" && r.Title != r.Kind {
		name = fmt.Sprintf("%s %q", name, r.Title)
	}
	fmt.Fprintf(&b, "%s: %s on %s", name, plural(len(r.Tasks), "task"), plural(len(r.Lanes()), "lane"))
	if r.Workers > 0 {
		fmt.Fprintf(&b, " (%s)", plural(r.Workers, "worker"))
	}
	fmt.Fprintf(&b, "\n  wall %s, busy %s, speedup %.2fx\n", FormatDuration(r.Wall), FormatDuration(r.Busy()), r.Speedup())
	cores := "GOMAXPROCS"
	if r.outOfProcess() {
		cores = "NumCPU"
	}
	fmt.Fprintf(&b, "  CPU %s, parallelism %.2f, utilization %.0f%% of %s (GOMAXPROCS %d, NumCPU %d, %s)\n",
		FormatDuration(r.CPU), r.Parallelism(), 100*r.Utilization(), cores, r.GOMAXPROCS, r.NumCPU, r.GoVersion)
	if totals := r.PhaseTotals(); len(totals) > 0 {
		names := slices.Sorted(maps.Keys(totals))
		slices.SortStableFunc(names, func(a, b string) int { return cmp.Compare(totals[b], totals[a]) })
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = n + " " + FormatDuration(totals[n])
		}
		fmt.Fprintf(&b, "  phases: %s\n", strings.Join(parts, ", "))
	}
	if failed := r.Failed(); len(failed) > 0 {
		parts := make([]string, 0, maxListed)
		for _, t := range failed[:min(len(failed), maxListed)] {
			parts = append(parts, fmt.Sprintf("task %d on %s: %s", t.ID, t.Lane, t.Err))
		}
		if len(failed) > maxListed {
			parts = append(parts, fmt.Sprintf("%d more", len(failed)-maxListed))
		}
		fmt.Fprintf(&b, "  failed: %d of %d (%s)\n", len(failed), len(r.Tasks), strings.Join(parts, "; "))
	}
	if len(r.Values) > 0 {
		keys := slices.Sorted(maps.Keys(r.Values))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + strconv.FormatFloat(r.Values[k], 'g', -1, 64)
		}
		fmt.Fprintf(&b, "  values: %s\n", strings.Join(parts, " "))
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// String describes the task in one line: lane, times, result or error.
func (t Task) String() string {
	s := fmt.Sprintf("task %d on %s: %s to %s (%s)", t.ID, t.Lane,
		FormatDuration(t.Start), FormatDuration(t.End), FormatDuration(t.Duration()))
	if t.Result != "" {
		s += " result " + t.Result
	}
	if t.Err != "" {
		s += " error " + t.Err
	}
	return s
}

// FormatDuration prints d with three significant digits ("1.23s",
// "45.6ms", "789µs"), enough to compare runs without drowning in digits.
func FormatDuration(d time.Duration) string {
	abs := d
	if abs < 0 {
		abs = -abs
	}
	var unit time.Duration
	switch {
	case abs >= 100*time.Second:
		unit = time.Second
	case abs >= 10*time.Second:
		unit = 100 * time.Millisecond
	case abs >= time.Second:
		unit = 10 * time.Millisecond
	case abs >= 100*time.Millisecond:
		unit = time.Millisecond
	case abs >= 10*time.Millisecond:
		unit = 100 * time.Microsecond
	case abs >= time.Millisecond:
		unit = 10 * time.Microsecond
	case abs >= 100*time.Microsecond:
		unit = time.Microsecond
	case abs >= 10*time.Microsecond:
		unit = 100 * time.Nanosecond
	case abs >= time.Microsecond:
		unit = 10 * time.Nanosecond
	default:
		unit = 1
	}
	return d.Round(unit).String()
}

// plural writes a count with its noun, adding an s unless the count is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

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

// maxLaneLines is how many lanes a summary lists one by one; with more it
// gives the range.
const maxLaneLines = 8

// String summarizes the recording in a few lines of text: what ran, the
// figures of the run (see Figures), the time in each state per lane,
// time per phase, failures, values and notes. It is what a notebook shows
// where no plot can be drawn.
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
	b.WriteString("\n")
	f := r.Figures()
	for _, line := range f.Lines() {
		b.WriteString("  " + line + "\n")
	}
	fmt.Fprintf(&b, "  GOMAXPROCS %d, NumCPU %d, %s\n", r.GOMAXPROCS, r.NumCPU, r.GoVersion)
	if totals := r.PhaseTotals(); len(totals) > 0 {
		names := slices.Sorted(maps.Keys(totals))
		slices.SortStableFunc(names, func(a, b string) int { return cmp.Compare(totals[b], totals[a]) })
		parts := make([]string, len(names))
		for i, n := range names {
			parts[i] = n + " " + FormatDuration(totals[n])
		}
		fmt.Fprintf(&b, "  phases (as the tasks reported them): %s\n", strings.Join(parts, ", "))
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

// Lines are the figures as lines of text, each saying what its numbers
// mean; then the time in each state, in all and per lane (or the range
// over the lanes, when there are many).
func (f Figures) Lines() []string {
	head := "wall " + FormatDuration(f.Wall)
	if f.CPUMeasured {
		head += " · CPU " + FormatDuration(f.CPU)
	}
	lines := []string{head + " · busy " + FormatDuration(f.Busy) + " (the tasks' durations, summed)"}
	switch {
	case f.CPUMeasured:
		lines = append(lines, fmt.Sprintf("parallelism %s = CPU / wall: cores busy on average%s",
			formatRatio(f.Parallelism), f.available()))
	case f.CPU > 0:
		lines = append(lines, fmt.Sprintf("parallelism: not measured, the run is too short (CPU time %s in %s: "+
			"the OS counts CPU time at its scheduler's tick, and the tracer does a little work of its own)",
			FormatDuration(f.CPU), FormatDuration(f.Wall)))
	}
	if f.SelfCPU > 0 {
		lines = append(lines, fmt.Sprintf("this process meanwhile: CPU %s (starting the processes, passing work and results, reading their counters)",
			FormatDuration(f.SelfCPU)))
	}
	lines = append(lines, fmt.Sprintf("concurrency %s = busy / wall: tasks under way on average, running or waiting",
		formatRatio(f.Concurrency)))
	if !f.States {
		return append(lines, "states: not recorded")
	}
	lines = append(lines, fmt.Sprintf("peak running %s%s (at %s): %s",
		f.peakText(), f.ofCores(), FormatDuration(f.PeakAt), f.peakWhat()))
	all := "all lanes"
	if f.Source != "" {
		all = "states from the " + f.Source + ", all lanes"
		if strings.HasPrefix(f.Source, "/") {
			all = "states from " + f.Source + ", all lanes"
		}
	}
	lines = append(lines, all+": "+f.Time.String())
	if len(f.Lanes) <= maxLaneLines {
		for _, l := range f.Lanes {
			lines = append(lines, l.Lane+": "+l.Time.String())
		}
		return lines
	}
	most, least := f.Lanes[0], f.Lanes[0]
	for _, l := range f.Lanes[1:] {
		if l.Time.Running() > most.Time.Running() {
			most = l
		}
		if l.Time.Running() < least.Time.Running() {
			least = l
		}
	}
	return append(lines, fmt.Sprintf("running per lane: from %s (%s) to %s (%s)",
		FormatDuration(least.Time.Running()), least.Lane, FormatDuration(most.Time.Running()), most.Lane))
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

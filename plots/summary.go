package plots

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/conclab/conclab/demos"
)

// recordingName is what a chart calls a recording: its title, else its
// kind, else fallback.
func recordingName(rec *demos.Recording, fallback string) string {
	switch {
	case rec == nil:
		return fallback
	case rec.Title != "":
		return rec.Title
	case rec.Kind != "":
		return rec.Kind
	}
	return fallback
}

// headline is the one-line verdict on a run, the same figures its text
// summary starts with (demos.Figures.Headline).
func headline(rec *demos.Recording) string {
	if rec == nil {
		return "no recording"
	}
	return rec.Figures().Headline()
}

// countLine says how many lanes and tasks, and how many failed.
func countLine(rec *demos.Recording, lanes int) string {
	tasks, failed := 0, 0
	if rec != nil {
		tasks = len(rec.Tasks)
		for _, t := range rec.Tasks {
			if t.Err != "" {
				failed++
			}
		}
	}
	s := fmt.Sprintf("%s, %s", plural(lanes, "lane"), plural(tasks, "task"))
	if failed > 0 {
		s += fmt.Sprintf(", %d failed", failed)
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// describeRecording is the text summary of one recording drawn as l: the
// recording's figures as demos prints them, then what the chart shows.
func describeRecording(rec *demos.Recording, l *Lanes) []string {
	if rec == nil {
		return []string{"no recording"}
	}
	lines := rec.Figures().Lines()
	var env []string
	if rec.GOMAXPROCS > 0 {
		env = append(env, fmt.Sprintf("GOMAXPROCS=%d", rec.GOMAXPROCS))
	}
	if rec.NumCPU > 0 {
		env = append(env, fmt.Sprintf("%d CPUs", rec.NumCPU))
	}
	if rec.GoVersion != "" {
		env = append(env, rec.GoVersion)
	}
	if len(env) > 0 {
		lines = append(lines, strings.Join(env, ", "))
	}
	lines = append(lines, countLine(rec, len(l.names)), stateLine(rec))
	for _, t := range rec.Tasks {
		if t.Err != "" {
			lines = append(lines, fmt.Sprintf("first failure: task %d on %s: %s", t.ID, t.Lane, t.Err))
			break
		}
	}
	if ph := phaseLine(rec, l.Colors); ph != "" {
		lines = append(lines, ph)
	}
	if !l.states {
		if ln := laneLine(rec, l); ln != "" {
			lines = append(lines, ln)
		}
	}
	for _, n := range rec.Notes {
		lines = append(lines, "note: "+n)
	}
	return lines
}

// phaseLine sums the time in each phase over all tasks.
func phaseLine(rec *demos.Recording, pal *Palette) string {
	sum := map[string]time.Duration{}
	spelled := map[string]string{}
	var names []string
	var total time.Duration
	for _, t := range rec.Tasks {
		for _, s := range segments(t) {
			k := normalize(s.Phase)
			if _, ok := spelled[k]; !ok {
				spelled[k] = s.Phase
				names = append(names, s.Phase)
			}
			sum[k] += s.End - s.Start
			total += s.End - s.Start
		}
	}
	if total <= 0 {
		return ""
	}
	var parts []string
	for _, n := range pal.Order(names) {
		d := sum[normalize(n)]
		parts = append(parts, fmt.Sprintf("%s %s (%s)", legendLabel(n), formatDuration(d), formatPercent(float64(d)/float64(total))))
	}
	return "phases: " + strings.Join(parts, ", ")
}

// laneLine tells how busy the lanes were: each one when there are few, the
// range when there are many.
func laneLine(rec *demos.Recording, l *Lanes) string {
	if len(l.names) == 0 || rec.Wall <= 0 {
		return ""
	}
	busy := make([]time.Duration, len(l.names))
	for i, tasks := range l.byLane {
		for _, t := range tasks {
			busy[i] += t.Duration()
		}
	}
	frac := func(i int) string { return formatPercent(float64(busy[i]) / float64(rec.Wall)) }
	if len(l.names) <= 8 {
		parts := make([]string, len(l.names))
		for i, n := range l.names {
			parts[i] = fmt.Sprintf("%s %s, busy %s", n, plural(len(l.byLane[i]), "task"), frac(i))
		}
		return "lanes: " + strings.Join(parts, "; ")
	}
	order := make([]int, len(busy))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(busy[b], busy[a]) })
	most, least := order[0], order[len(order)-1]
	return fmt.Sprintf("lanes: busy from %s (%s) to %s (%s) of the wall time",
		frac(least), l.names[least], frac(most), l.names[most])
}

// mergeLine reports how the lanes were drawn at resolution res.
func mergeLine(lanes []*Lanes, res time.Duration) string {
	tasks, merged, hidden := 0, 0, 0
	for _, l := range lanes {
		for _, lay := range l.layout(res) {
			tasks += lay.tasks
			merged += lay.merged
			hidden += lay.hidden
		}
	}
	if tasks == 0 {
		return ""
	}
	if res <= 0 {
		return fmt.Sprintf("drawing: all %s as separate bars", plural(tasks, "task"))
	}
	if merged == 0 {
		return fmt.Sprintf("drawing: all %s as separate bars (one pixel is %s)", plural(tasks, "task"), formatDuration(res))
	}
	line := fmt.Sprintf("drawing: %d of %s are shorter than one pixel (%s) and are merged on their lane; "+
		"a merged stretch stacks its phases by their share of the time, and is lower where the lane was partly idle",
		merged, plural(tasks, "task"), formatDuration(res))
	if hidden > 0 {
		line += fmt.Sprintf("; %s on merged tasks are not drawn", plural(hidden, "mark"))
	}
	return line
}

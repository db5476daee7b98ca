package plots

import (
	"fmt"
	"image/color"
	"slices"
	"strings"
	"time"

	"github.com/conclab/conclab/demos"
)

// A timeline of a recording with states draws each lane twice over: the
// bar is filled with what the scheduler did (running, runnable, blocked by
// reason), in the colors the scheduler charts use, and a thin band above
// it shows the phases the work reported about itself, in lighter tints.
// So a reader sees "holding the lock, but runnable, not running".

// hasStates reports whether any task of rec has recorded states.
func hasStates(rec *demos.Recording) bool {
	if rec == nil {
		return false
	}
	for _, t := range rec.Tasks {
		if t.HasStates() {
			return true
		}
	}
	return false
}

// stateTask is a task whose phases are its goroutines' states, for the
// layout that draws phases: time with no known state is Unphased.
func stateTask(t demos.Task) demos.Task {
	st := t.States()
	out := demos.Task{ID: t.ID, Lane: t.Lane, Start: t.Start, End: t.End, Phases: make([]demos.Phase, len(st))}
	for i, s := range st {
		out.Phases[i] = demos.Phase{Name: string(s.State), Start: s.Start, End: s.End}
	}
	return out
}

// samplePeriod is the typical length of the tasks' samples: the median.
func samplePeriod(tasks []demos.Task) time.Duration {
	var ds []time.Duration
	for _, t := range tasks {
		for _, th := range t.Threads {
			for _, s := range th.Samples {
				ds = append(ds, s.End-s.Start)
			}
		}
	}
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// sampledSpans lays out sampled states: the counters say how much of each
// interval a thread spent running, waiting and blocked, not in which
// order, so every stretch, however wide, is drawn as a stack of those
// shares. Bins are at least one sample period wide, so that no order
// inside an interval is ever made up.
func sampledSpans(tasks []demos.Task, res time.Duration) []span {
	width := max(res, samplePeriod(tasks))
	if width <= 0 {
		return nil
	}
	bins := newBinner(width)
	for _, t := range tasks {
		for _, s := range t.Samples() {
			// Spread each amount over its interval evenly: what the
			// counters allow, and no more.
			bins.addSpread(s.Start, s.End, string(demos.StateRunning), s.Running)
			bins.addSpread(s.Start, s.End, string(demos.StateRunnable), s.Runnable)
			bins.addSpread(s.Start, s.End, string(demos.StateBlocked), s.Blocked())
		}
	}
	return bins.spans()
}

// addSpread adds weight w of name, spread evenly over from..to, to the bins
// that interval touches.
func (b *binner) addSpread(from, to time.Duration, name string, w time.Duration) {
	if w <= 0 || to <= from {
		return
	}
	for k := floorDiv(from, b.res); time.Duration(k)*b.res < to; k++ {
		lo, hi := max(from, time.Duration(k)*b.res), min(to, time.Duration(k+1)*b.res)
		if hi <= lo {
			continue
		}
		bn := b.bins[k]
		if bn == nil {
			bn = &bin{weight: map[string]time.Duration{}}
			b.bins[k] = bn
		}
		bn.weight[name] += time.Duration(float64(w) * float64(hi-lo) / float64(to-from))
	}
}

// tint is c mixed with white: phases in the band above a state bar are
// drawn in tints, so that they are not taken for states.
func tint(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	mix := func(v uint32) uint8 { return uint8((float64(v>>8)*0.45 + 255*0.55)) }
	return color.RGBA{R: mix(r), G: mix(g), B: mix(b), A: 0xff}
}

// legendPixels is about how many pixels wide a chart's time axis is: a
// state gets a legend entry when it fills at least a quarter of one such
// pixel's time somewhere on a lane (narrower spans are merged and drawn as
// shares of the pixel, so a quarter is a visible slice). A state that is
// there but cannot be seen would only send the reader looking for it.
const legendPixels = 400

// fillsAPixel reports whether spans, of one state on one lane, fill a
// quarter of some pixel of a chart whose time axis spans span.
func fillsAPixel(spans []demos.Span, span time.Duration) bool {
	px := max(span/legendPixels, 1)
	in := map[time.Duration]time.Duration{} // time in the state, by pixel
	for _, s := range spans {
		d := s.End - s.Start
		in[s.Start/px] += d
		if 4*d >= px || 4*in[s.Start/px] >= px {
			return true
		}
	}
	return false
}

// stateNames lists the states the lanes draw, in legend order: those that
// can be seen on some lane (see legendPixels).
func stateNames(pal *Palette, lanes []*Lanes) []string {
	var span time.Duration
	for _, l := range lanes {
		for _, tasks := range l.byLane {
			for _, t := range tasks {
				span = max(span, t.End)
			}
		}
	}
	seen := map[string]bool{}
	sampled := map[string]time.Duration{} // a process's state time, over its lane
	var gaps, total time.Duration
	for _, l := range lanes {
		if !l.states {
			continue
		}
		for _, tasks := range l.byLane {
			for _, t := range tasks {
				byState := map[string][]demos.Span{}
				for _, s := range t.States() {
					byState[string(s.State)] = append(byState[string(s.State)], s)
				}
				for st, ss := range byState {
					seen[st] = seen[st] || fillsAPixel(ss, span)
				}
				if len(t.Goroutines) > 0 {
					for _, seg := range segments(stateTask(t)) {
						total += seg.End - seg.Start
						if seg.Phase == Unphased {
							gaps += seg.End - seg.Start
						}
					}
				}
				if len(t.Threads) > 0 {
					times := t.StateTimes()
					for _, st := range []demos.State{demos.StateRunning, demos.StateRunnable, demos.StateBlocked} {
						sampled[string(st)] += times[st]
					}
				}
			}
		}
	}
	var names []string
	for st, ok := range seen {
		if ok {
			names = append(names, st)
		}
	}
	for st, d := range sampled {
		if d*legendPixels >= span && !slices.Contains(names, st) {
			names = append(names, st)
		}
	}
	// Time of a task with no state known (before its goroutine existed,
	// when the runner that started it was held up) is drawn gray; it gets
	// an entry once it is wide enough to be seen.
	if total > 0 && gaps*200 >= total {
		names = append(names, Unphased)
	}
	return stateOrder(pal, names)
}

// stateLine says where a recording's states come from, for the summary.
func stateLine(rec *demos.Recording) string {
	switch {
	case !hasStates(rec):
		return "bars: the phases the tasks reported (no states recorded)"
	case strings.HasPrefix(rec.StateSource, "/"):
		return fmt.Sprintf("bars: what the scheduler did (sampled from %s); band above: the phases the tasks reported", rec.StateSource)
	case rec.StateSource != "":
		return fmt.Sprintf("bars: what the scheduler did (from the %s); band above: the phases the tasks reported", rec.StateSource)
	}
	return "bars: what the scheduler did; band above: the phases the tasks reported"
}

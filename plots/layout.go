package plots

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/conclab/conclab/demos"
)

// A span is a stretch of one lane drawn in one color, or, when Mix is set,
// a merged stretch drawn as a stack of colors.
type span struct {
	Start, End time.Duration
	Phase      string
	// Mix, for stretches pooled from pieces narrower than the resolution,
	// gives each phase's share of the bar's height in eighths; the shares
	// add up to the fraction of the time the pieces cover, so idle time
	// shows as a lower stack. Ordered by phase name.
	Mix []share
}

// A share is one phase's part of a merged span, in eighths of a bar.
type share struct {
	Phase   string
	Eighths int
}

// mixLevels is how finely a merged span's stack is divided: coarse enough
// that neighboring pixels with about the same mix join into one span.
const mixLevels = 8

// An outline frames one task that is wide enough to see, or one that failed.
type outline struct {
	Start, End time.Duration
	Failed     bool
}

// laneLayout is what one lane draws at a given resolution.
type laneLayout struct {
	spans    []span
	outlines []outline
	marks    []time.Duration
	tasks    int // tasks on the lane
	merged   int // of which narrower than the resolution, drawn merged
	hidden   int // marks of merged tasks, not drawn
}

// layoutLane decides what to draw for the tasks of one lane when res is the
// time one pixel covers. Stretches at least res wide are drawn exactly;
// narrower ones are pooled into res-wide bins on a fixed grid, each bin takes
// the color of the phase with the most time in it, and runs of touching bins
// of one color become one span. res <= 0 draws everything exactly.
func layoutLane(tasks []demos.Task, res time.Duration) laneLayout {
	lay := laneLayout{tasks: len(tasks)}
	sorted := make([]demos.Task, len(tasks))
	for i, t := range tasks {
		sorted[i] = sanitize(t)
	}
	slices.SortStableFunc(sorted, func(a, b demos.Task) int { return cmp.Compare(a.Start, b.Start) })

	bins := newBinner(res)
	for _, t := range sorted {
		start, end := t.Start, max(t.End, t.Start)
		narrow := res > 0 && end-start < res
		if narrow {
			lay.merged++
		} else {
			lay.outlines = append(lay.outlines, outline{Start: start, End: end, Failed: t.Err != ""})
		}
		if narrow && t.Err != "" {
			lay.outlines = append(lay.outlines, outline{Start: start, End: start + res, Failed: true})
		}
		for _, s := range segments(t) {
			if res > 0 && s.End-s.Start < res {
				bins.add(s)
				continue
			}
			lay.spans = append(lay.spans, s)
		}
		for _, m := range t.Marks {
			switch {
			case m.At < start || m.At > end:
			case narrow:
				// Its task is a sliver of a merged stretch: no place to point.
				lay.hidden++
			default:
				lay.marks = append(lay.marks, m.At)
			}
		}
	}
	// Merged bins go first so exact spans, drawn later, keep crisp edges.
	lay.spans = append(bins.spans(), lay.spans...)
	lay.marks = thinMarks(lay.marks, res)
	return lay
}

// maxTime bounds the times layoutLane works with (about 73 years either
// way), so that differences of times cannot overflow; a recording read
// from a damaged file can hold anything.
const maxTime = time.Duration(1 << 61)

func clampTime(d time.Duration) time.Duration { return min(max(d, -maxTime), maxTime) }

// sanitize clamps the task's times into ±maxTime.
func sanitize(t demos.Task) demos.Task {
	t.Start, t.End = clampTime(t.Start), clampTime(t.End)
	t.Phases = slices.Clone(t.Phases)
	for i := range t.Phases {
		t.Phases[i].Start, t.Phases[i].End = clampTime(t.Phases[i].Start), clampTime(t.Phases[i].End)
	}
	t.Marks = slices.Clone(t.Marks)
	for i := range t.Marks {
		t.Marks[i].At = clampTime(t.Marks[i].At)
	}
	return t
}

// segments cuts a task into its phases, clipped to the task, plus Unphased
// stretches for the time no phase covers, ordered by start.
func segments(t demos.Task) []span {
	start, end := t.Start, max(t.End, t.Start)
	var out []span
	for _, p := range t.Phases {
		s, e := max(p.Start, start), min(p.End, end)
		if e > s {
			out = append(out, span{Start: s, End: e, Phase: p.Name})
		}
	}
	slices.SortStableFunc(out, func(a, b span) int { return cmp.Compare(a.Start, b.Start) })
	cursor := start
	var gaps []span
	for _, s := range out {
		if s.Start > cursor {
			gaps = append(gaps, span{Start: cursor, End: s.Start, Phase: Unphased})
		}
		cursor = max(cursor, s.End)
	}
	if cursor < end || start == end {
		// A zero-length task still leaves a trace in its bin.
		gaps = append(gaps, span{Start: cursor, End: end, Phase: Unphased})
	}
	out = append(out, gaps...)
	slices.SortStableFunc(out, func(a, b span) int { return cmp.Compare(a.Start, b.Start) })
	return out
}

// thinMarks keeps one mark per pixel; more could not be told apart.
func thinMarks(marks []time.Duration, res time.Duration) []time.Duration {
	slices.Sort(marks)
	if res <= 0 {
		return slices.Compact(marks)
	}
	var out []time.Duration
	last := int64(-1 << 62)
	for _, m := range marks {
		if k := floorDiv(m, res); k != last {
			out = append(out, m)
			last = k
		}
	}
	return out
}

// A binner pools narrow stretches into fixed, res-wide bins.
type binner struct {
	res  time.Duration
	bins map[int64]*bin
}

type bin struct {
	weight map[string]time.Duration // time per phase
}

func newBinner(res time.Duration) *binner {
	return &binner{res: res, bins: map[int64]*bin{}}
}

func (b *binner) add(s span) {
	// A stretch narrower than res touches at most two bins.
	for k, last := floorDiv(s.Start, b.res), floorDiv(s.Start, b.res)+1; k <= last; k++ {
		lo, hi := time.Duration(k)*b.res, time.Duration(k+1)*b.res
		s0, e0 := max(s.Start, lo), min(s.End, hi)
		if s0 > e0 || (s0 == e0 && s.Start != s.End) {
			break
		}
		bn := b.bins[k]
		if bn == nil {
			bn = &bin{weight: map[string]time.Duration{}}
			b.bins[k] = bn
		}
		// Zero-length stretches weigh a nanosecond so they can still win an
		// otherwise empty bin.
		bn.weight[s.Phase] += max(e0-s0, 1)
		if s.End <= hi {
			break
		}
	}
}

// spans turns the bins into merged spans, joining touching bins whose mix
// is the same.
func (b *binner) spans() []span {
	keys := make([]int64, 0, len(b.bins))
	for k := range b.bins {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []span
	for i, k := range keys {
		mix := b.bins[k].mix(b.res)
		if i > 0 && k == keys[i-1]+1 && slices.Equal(out[len(out)-1].Mix, mix) {
			out[len(out)-1].End = time.Duration(k+1) * b.res
			continue
		}
		out = append(out, span{Start: time.Duration(k) * b.res, End: time.Duration(k+1) * b.res, Mix: mix})
	}
	return out
}

// mix divides the bar among the bin's phases by their time, in eighths,
// leaving the uncovered part of the bin empty. A bin with anything in it
// gets at least one eighth.
func (bn *bin) mix(res time.Duration) []share {
	var total time.Duration
	names := make([]string, 0, len(bn.weight))
	for p, w := range bn.weight {
		total += w
		names = append(names, p)
	}
	slices.Sort(names)
	levels := int(math.Round(math.Min(1, float64(total)/float64(res)) * mixLevels))
	levels = max(levels, 1)
	// Largest remainder: floor every share, then hand the leftover eighths
	// to the largest fractions.
	out := make([]share, len(names))
	rem := make([]float64, len(names))
	used := 0
	for i, p := range names {
		exact := float64(bn.weight[p]) / float64(total) * float64(levels)
		out[i] = share{Phase: p, Eighths: int(exact)}
		rem[i] = exact - float64(out[i].Eighths)
		used += out[i].Eighths
	}
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rem[b], rem[a]) })
	for _, i := range order[:levels-used] {
		out[i].Eighths++
	}
	return slices.DeleteFunc(out, func(s share) bool { return s.Eighths == 0 })
}

// floorDiv is a/b rounded down, so that negative times fall in the bin
// before zero rather than sharing bin 0.
func floorDiv(a, b time.Duration) int64 {
	q := int64(a / b)
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

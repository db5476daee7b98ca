package plots

import (
	"fmt"
	"math"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A SchedView is a run as the Go scheduler saw it, ready to draw with Sched:
// what each P (the scheduler's token for running Go code) ran, what each
// goroutine was doing, and counts of goroutines over time. States are named
// by strings; the usual ones ("running", "runnable", "chan", "select",
// "sync", "syscall", "sleep", "GC", "other", "runtime", "stop-the-world")
// have fixed colors, others get palette colors. Package schedtrace of the
// conclab kernel makes one from an execution trace; anything else that
// knows such states can too.
type SchedView struct {
	// Title is drawn on top; a second line after "\n" is a subtitle.
	Title string
	// Span is the length of the run: the time axis goes from 0 to Span.
	Span time.Duration
	// Procs has one lane per P, top to bottom; a span's Label names what
	// the P ran ("g7") and is written on the bar when it fits. Other
	// lanes about the whole run (such as when the GC ran) belong here too.
	Procs []StateLane
	// Goroutines has one lane per goroutine drawn on its own, in order.
	Goroutines []StateLane
	// Folded, if not nil, is drawn as one lane below the goroutines: at
	// each moment, the share of a group of goroutines in each state.
	Folded *StateGroup
	// Load, if not nil, is drawn as a band above the lanes: its series
	// stacked, as counts (such as how many goroutines were running and
	// how many runnable) averaged over each pixel, on a scale whose top is
	// the most there were at any one moment.
	Load *StateGroup
	// Summary are lines of text the chart's summary starts with.
	Summary []string
}

// A StateLane is one row of the picture: a name and what happened on it.
type StateLane struct {
	Name  string
	Spans []StateSpan
}

// A StateSpan is a stretch of time in one state.
type StateSpan struct {
	Start, End time.Duration
	State      string
	Label      string // written on the bar when it fits; "" for none
}

// A StateGroup is a set of counts over time under one name.
type StateGroup struct {
	Name   string
	Series []StateSeries
}

// A StateSeries is how many things were in State over time: each Step
// holds from its At until the next Step's (the last until the end of the
// run). Steps are in order of At.
type StateSeries struct {
	State string
	Steps []Step
}

// A Step is a count from a moment on.
type Step struct {
	At time.Duration
	N  int
}

// loadRows is how many lane heights the Load band takes.
const loadRows = 3

// Sched draws v: the Load band on top, then one lane per P, one per
// goroutine and the Folded lane, all on one time axis. Bars narrower than
// a pixel are merged on their lane into stacks of their states' shares, so
// a trace of millions of events still draws as a readable picture; the
// summary (String) says how many were merged.
func Sched(v *SchedView) *Chart {
	if v == nil {
		v = &SchedView{}
	}
	sp := newSchedPlotter(v)
	unit := axisUnit(v.Span)
	sp.unit = unit
	p := newPlot("time since the trace began ("+unitName(unit)+")", "")
	p.X.Min, p.X.Max = 0, inUnit(v.Span, unit)
	if v.Span <= 0 {
		p.X.Max = 1
	}
	p.Y.Min, p.Y.Max = 0, math.Max(sp.total, 1)
	p.X.Padding, p.Y.Padding = vg.Points(2), vg.Points(2)
	p.X.Tick.Marker = stepTicks{}
	p.Add(schedStripes{sp})
	grid := lightGrid()
	grid.Horizontal.Color = nil
	p.Add(grid)
	p.Add(sp)

	leg := newLegend()
	for _, st := range sp.states() {
		leg.Add(stateLabel(st), Swatch{Fill: stateColor(sp.pal, st)})
	}
	laneH := laneHeight(sp.total)
	dataH := math.Max(sp.total*laneH, float64(leg.Rectangle(draw.Canvas{}).Size().Y))
	title := v.Title
	if title == "" {
		title = "scheduler view"
	}
	c := &Chart{plot: p, legend: leg, title: title, width: DefaultWidth,
		height: vg.Length(math.Max(dataH, 60) + chromeHeight)}
	c.prepare = func(data draw.Canvas) {
		p.Y.Tick.Marker = plot.ConstantTicks(sp.ticks(float64(data.Max.Y-data.Min.Y) / math.Max(sp.total, 1)))
	}
	c.describe = func(data draw.Canvas) string { return sp.describe(sp.resolution(data, p)) }
	head, _, _ := strings.Cut(title, "\n")
	sum := append([]string{"Scheduler: " + head}, v.Summary...)
	sum = append(sum, sp.lanesLine())
	c.summary = strings.Join(sum, "\n")
	if sp.total == 0 {
		p.HideAxes()
	}
	return c
}

// lanesLine says what the lanes are, naming them.
func (sp *schedPlotter) lanesLine() string {
	names := func(lanes []StateLane) string {
		ns := make([]string, len(lanes))
		for i, l := range lanes {
			ns[i] = l.Name
		}
		return strings.Join(ns, ", ")
	}
	var parts []string
	if len(sp.v.Procs) > 0 {
		parts = append(parts, "Ps: "+names(sp.v.Procs))
	}
	if len(sp.v.Goroutines) > 0 {
		parts = append(parts, "goroutines: "+names(sp.v.Goroutines))
	}
	if f := sp.v.Folded; f != nil {
		parts = append(parts, fmt.Sprintf("%q: the share of its goroutines in each state", f.Name))
	}
	if l := sp.v.Load; l != nil {
		parts = append(parts, fmt.Sprintf("%q on top: counts stacked, averaged over each pixel", l.Name))
	}
	if len(parts) == 0 {
		return "lanes: none"
	}
	return "lanes: " + strings.Join(parts, "; ")
}

// describe reports how the lanes were drawn at resolution res.
func (sp *schedPlotter) describe(res time.Duration) string {
	spans, merged := 0, 0
	for _, r := range sp.rows {
		if r.lane == nil {
			continue
		}
		lay := layoutLane(r.tasks, res)
		spans += lay.tasks
		merged += lay.merged
	}
	switch {
	case spans == 0:
		return ""
	case res <= 0 || merged == 0:
		return fmt.Sprintf("drawing: all %s one by one", plural(spans, "bar"))
	}
	return fmt.Sprintf("drawing: %d of %s are shorter than one pixel (%s) and are merged on their lane; "+
		"a merged stretch stacks its states by their share of the time", merged, plural(spans, "bar"), formatDuration(res))
}

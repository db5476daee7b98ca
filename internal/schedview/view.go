// Package schedview turns the scheduler's story of a traced run
// (internal/schedtrace) into a picture for plots.Sched: what each P ran,
// what each goroutine was doing, and how many goroutines ran and waited
// over time. %trace shows it under a cell.
package schedview

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strconv"
	"time"

	"github.com/conclab/conclab/internal/schedtrace"
	"github.com/conclab/conclab/plots"
)

// DefaultMaxLanes is how many goroutine lanes View draws by default: enough
// for a lesson's worth of goroutines, few enough to read.
const DefaultMaxLanes = 16

// Options tune View.
type Options struct {
	// Title is the first line of the chart's title; "" means
	// "scheduler view". The second line is the summary's headline.
	Title string
	// MaxLanes is how many goroutines get a lane of their own
	// (DefaultMaxLanes when 0). With more goroutines than that, the first
	// MaxLanes-1 by ID get lanes and the others share one folded lane.
	MaxLanes int
	// Position names a source position in a goroutine's lane name ("line
	// 5" for a notebook cell); nil gives "file.go:5".
	Position func(file string, line int) string
	// Label names a goroutine's lane; nil names it by Goroutine.Label
	// with Position. For programs whose stacks do not say what the user
	// wrote (live cells run in an interpreter).
	Label func(g *schedtrace.Goroutine) string
}

// View makes the scheduler view of t for plots.Sched: a lane per P (bars
// labeled with the goroutine they ran, and a GC lane when the GC ran), a
// lane per goroutine up to the lane budget, the rest folded into one lane,
// and on top the count of goroutines running and runnable over time.
func View(t *schedtrace.Trace, opt Options) *plots.SchedView {
	if opt.MaxLanes <= 0 {
		opt.MaxLanes = DefaultMaxLanes
	}
	if opt.Position == nil {
		opt.Position = func(file string, line int) string { return path.Base(file) + ":" + strconv.Itoa(line) }
	}
	if opt.Title == "" {
		opt.Title = "scheduler view"
	}
	s := t.Summary()
	v := &plots.SchedView{Span: t.Span, Summary: s.Lines()}
	v.Title = opt.Title + "\n" + s.Headline()

	for _, p := range t.Procs {
		lane := plots.StateLane{Name: "P" + strconv.FormatInt(p.ID, 10), Spans: make([]plots.StateSpan, len(p.Slices))}
		for i, sl := range p.Slices {
			label := ""
			if sl.State != schedtrace.Runtime && t.Program(sl.G) {
				label = "g" + strconv.FormatInt(sl.G, 10)
			}
			lane.Spans[i] = plots.StateSpan{Start: sl.Start, End: sl.End, State: sl.State.String(), Label: label}
		}
		v.Procs = append(v.Procs, lane)
	}
	if gc := gcLane(t); len(gc.Spans) > 0 {
		v.Procs = append(v.Procs, gc)
	}

	own, folded := t.Goroutines, []*schedtrace.Goroutine(nil)
	if len(own) > opt.MaxLanes {
		own, folded = own[:opt.MaxLanes-1], own[opt.MaxLanes-1:]
	}
	for _, g := range own {
		name := g.Label(opt.Position)
		if opt.Label != nil {
			name = opt.Label(g)
		}
		lane := plots.StateLane{Name: name, Spans: make([]plots.StateSpan, len(g.Intervals))}
		for i, iv := range g.Intervals {
			lane.Spans[i] = plots.StateSpan{Start: iv.Start, End: iv.End, State: iv.State.String()}
		}
		v.Goroutines = append(v.Goroutines, lane)
	}
	if len(folded) > 0 {
		v.Folded = &plots.StateGroup{
			Name:   fmt.Sprintf("%d more (g%d–g%d)", len(folded), folded[0].ID, folded[len(folded)-1].ID),
			Series: series(folded, goroutineStates()),
		}
	}
	if len(t.Goroutines) > 0 {
		v.Load = &plots.StateGroup{Name: "running, runnable", Series: series(t.Goroutines, []schedtrace.State{schedtrace.Running, schedtrace.Runnable})}
	}
	return v
}

// gcLane shows when the GC marked and when the world stopped, leaving out
// the pauses the tracer itself caused.
func gcLane(t *schedtrace.Trace) plots.StateLane {
	lane := plots.StateLane{Name: "GC"}
	for _, m := range t.GCMark {
		lane.Spans = append(lane.Spans, plots.StateSpan{Start: m.Start, End: m.End, State: schedtrace.GC.String()})
	}
	for _, p := range t.STW {
		if !p.ByTracer() {
			lane.Spans = append(lane.Spans, plots.StateSpan{Start: p.Start, End: p.End, State: "stop-the-world"})
		}
	}
	return lane
}

// goroutineStates lists the states a goroutine can be in.
func goroutineStates() []schedtrace.State {
	var out []schedtrace.State
	for s := range schedtrace.Runtime {
		out = append(out, s)
	}
	return out
}

// series counts, for each state, how many of gs were in it over time; states
// no goroutine was ever in are left out.
func series(gs []*schedtrace.Goroutine, states []schedtrace.State) []plots.StateSeries {
	type edge struct {
		at    time.Duration
		delta int
	}
	edges := map[schedtrace.State][]edge{}
	for _, g := range gs {
		for _, iv := range g.Intervals {
			edges[iv.State] = append(edges[iv.State], edge{iv.Start, 1}, edge{iv.End, -1})
		}
	}
	var out []plots.StateSeries
	for _, st := range states {
		es := edges[st]
		if len(es) == 0 {
			continue
		}
		slices.SortFunc(es, func(a, b edge) int { return cmp.Compare(a.at, b.at) })
		s := plots.StateSeries{State: st.String(), Steps: []plots.Step{{At: 0, N: 0}}}
		n := 0
		for i, e := range es {
			n += e.delta
			if i+1 < len(es) && es[i+1].at == e.at {
				continue // one step per moment
			}
			last := &s.Steps[len(s.Steps)-1]
			switch {
			case last.At == e.at:
				last.N = n
			case last.N != n:
				s.Steps = append(s.Steps, plots.Step{At: e.at, N: n})
			}
		}
		out = append(out, s)
	}
	return out
}

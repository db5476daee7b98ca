package schedtrace

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/conclab/conclab/plots"
)

// DefaultMaxLanes is how many goroutine lanes View draws by default: enough
// for a lesson's worth of goroutines, few enough to read.
const DefaultMaxLanes = 16

// ViewOptions tune View.
type ViewOptions struct {
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
}

// View makes the scheduler view of t for plots.Sched: a lane per P (bars
// labeled with the goroutine they ran, and a GC lane when the GC ran), a
// lane per goroutine up to the lane budget, the rest folded into one lane,
// and on top the count of goroutines running and runnable over time.
func (t *Trace) View(opt ViewOptions) *plots.SchedView {
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
	v.Title = opt.Title + "\n" + headline(s)

	for _, p := range t.Procs {
		lane := plots.StateLane{Name: "P" + strconv.FormatInt(p.ID, 10), Spans: make([]plots.StateSpan, len(p.Slices))}
		for i, sl := range p.Slices {
			label := ""
			if sl.State != Runtime && !t.isRuntime(sl.G) {
				label = "g" + strconv.FormatInt(sl.G, 10)
			}
			lane.Spans[i] = plots.StateSpan{Start: sl.Start, End: sl.End, State: sl.State.String(), Label: label}
		}
		v.Procs = append(v.Procs, lane)
	}
	if gc := t.gcLane(); len(gc.Spans) > 0 {
		v.Procs = append(v.Procs, gc)
	}

	own, folded := t.Goroutines, []*Goroutine(nil)
	if len(own) > opt.MaxLanes {
		own, folded = own[:opt.MaxLanes-1], own[opt.MaxLanes-1:]
	}
	for _, g := range own {
		lane := plots.StateLane{Name: laneName(g, opt.Position), Spans: make([]plots.StateSpan, len(g.Intervals))}
		for i, iv := range g.Intervals {
			lane.Spans[i] = plots.StateSpan{Start: iv.Start, End: iv.End, State: iv.State.String()}
		}
		v.Goroutines = append(v.Goroutines, lane)
	}
	if len(folded) > 0 {
		v.Folded = &plots.StateGroup{
			Name:   fmt.Sprintf("%d more (g%d–g%d)", len(folded), folded[0].ID, folded[len(folded)-1].ID),
			Series: series(folded, allStates()),
		}
	}
	if len(t.Goroutines) > 0 {
		v.Load = &plots.StateGroup{Name: "running, runnable", Series: series(t.Goroutines, []State{Running, Runnable})}
	}
	return v
}

// headline is the title's second line: the facts a reader looks for first.
func headline(s Summary) string {
	parts := []string{"traced " + formatDuration(s.Span)}
	if s.GOMAXPROCS > 0 {
		parts = append(parts, fmt.Sprintf("GOMAXPROCS=%d", s.GOMAXPROCS))
	}
	parts = append(parts, fmt.Sprintf("%d goroutines created", s.Created),
		fmt.Sprintf("most runnable at once: %d", s.MaxRunnable))
	if st, d := s.mostBlocked(); d > 0 {
		parts = append(parts, "blocked most on "+blockedLabelShort(st))
	}
	if s.Incomplete != "" {
		parts = append(parts, "incomplete")
	}
	return strings.Join(parts, " · ")
}

// mostBlocked is the reason goroutines were blocked the longest for.
func (s Summary) mostBlocked() (State, time.Duration) {
	best, d := Other, time.Duration(0)
	for _, st := range blockedOrder {
		if s.Time[st] > d {
			best, d = st, s.Time[st]
		}
	}
	return best, d
}

func blockedLabelShort(s State) string {
	if s == Chan {
		return "channels"
	}
	return s.String()
}

// laneName names a goroutine's lane: "g1 main"; "g7 worker" for a named
// function outside the standard library; "g9 line 12" for a function
// literal, or a goroutine the standard library started for the program
// (wg.Go), by the line that started it.
func laneName(g *Goroutine, pos func(string, int) string) string {
	id := "g" + strconv.FormatInt(g.ID, 10)
	fn := g.Start.Func
	switch {
	case g.Main():
		return id + " main"
	case fn != "" && !isStd(fn) && !isClosure(fn):
		return id + " " + shortFunc(fn)
	case !g.Creator.IsZero() && g.Creator.File != "":
		return id + " " + pos(g.Creator.File, g.Creator.Line)
	case fn != "":
		return id + " " + shortFunc(fn)
	}
	return id
}

// gcLane shows when the GC marked and when the world stopped, leaving out
// the pauses the tracer itself caused.
func (t *Trace) gcLane() plots.StateLane {
	lane := plots.StateLane{Name: "GC"}
	for _, m := range t.GCMark {
		lane.Spans = append(lane.Spans, plots.StateSpan{Start: m.Start, End: m.End, State: GC.String()})
	}
	for _, p := range t.STW {
		if !tracerPause(p) {
			lane.Spans = append(lane.Spans, plots.StateSpan{Start: p.Start, End: p.End, State: "stop-the-world"})
		}
	}
	return lane
}

// tracerPause reports whether a stop-the-world pause was the tracer's own,
// to start or stop it.
func tracerPause(s Span) bool { return strings.HasSuffix(s.Name, " trace)") }

// allStates lists the goroutine states.
func allStates() []State {
	var out []State
	for s := range Runtime {
		out = append(out, s)
	}
	return out
}

// series counts, for each state, how many of gs were in it over time; states
// no goroutine was ever in are left out.
func series(gs []*Goroutine, states []State) []plots.StateSeries {
	type edge struct {
		at    time.Duration
		delta int
	}
	edges := make([][]edge, numStates)
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

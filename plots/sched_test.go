package plots

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hexOfColor is how vgsvg writes a color.
func hexOfColor(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return "#" + strings.ToUpper(strconv.FormatUint(uint64(1<<24|(r>>8)<<16|(g>>8)<<8|b>>8), 16)[1:])
}

// stateHex is the color a state is drawn in.
func stateHex(state string) string { return hexOfColor(stateColor(NewPalette(), state)) }

// lockView: on one P, g1 holds a lock for 4 ms, then g2 for 4 ms; g3 waits on
// a channel; five more goroutines are folded.
func lockView() *SchedView {
	span := func(a, b int, st, label string) StateSpan {
		return StateSpan{Start: time.Duration(a) * ms, End: time.Duration(b) * ms, State: st, Label: label}
	}
	return &SchedView{
		Title: "lock",
		Span:  10 * ms,
		Procs: []StateLane{{Name: "P0", Spans: []StateSpan{span(0, 4, "running", "g1"), span(4, 8, "running", "g2")}}},
		Goroutines: []StateLane{
			{Name: "g1 main", Spans: []StateSpan{span(0, 4, "running", ""), span(4, 10, "sleep", "")}},
			{Name: "g2 worker", Spans: []StateSpan{span(0, 4, "sync", ""), span(4, 8, "running", "")}},
			{Name: "g3 line 4", Spans: []StateSpan{span(0, 10, "chan", "")}},
		},
		Folded: &StateGroup{Name: "5 more", Series: []StateSeries{
			{State: "select", Steps: []Step{{At: 0, N: 5}, {At: 5 * ms, N: 2}}},
			{State: "runnable", Steps: []Step{{At: 0, N: 0}, {At: 5 * ms, N: 3}}},
		}},
		Load: &StateGroup{Name: "running, runnable", Series: []StateSeries{
			{State: "running", Steps: []Step{{At: 0, N: 1}, {At: 8 * ms, N: 0}}},
			{State: "runnable", Steps: []Step{{At: 0, N: 1}, {At: 4 * ms, N: 0}, {At: 5 * ms, N: 3}}},
		}},
		Summary: []string{"a hand-made view"},
	}
}

func TestSchedPicture(t *testing.T) {
	c := Sched(lockView())
	pic := svgOf(t, c)
	for _, lane := range []string{"P0", "g1 main", "g2 worker", "g3 line 4", "5 more", "running, runnable"} {
		if pic.countText(lane) != 1 {
			t.Errorf("lane label %q drawn %d times, want once", lane, pic.countText(lane))
		}
	}
	for _, label := range []string{"g1", "g2"} {
		if pic.countText(label) != 1 {
			t.Errorf("bar label %q drawn %d times, want once on its P bar", label, pic.countText(label))
		}
	}
	for _, entry := range []string{"running", "runnable (no P free)", "blocked: channel", "blocked: select", "blocked: sync (lock, wg)", "sleep"} {
		if pic.countText(entry) != 1 {
			t.Errorf("legend entry %q drawn %d times, want once", entry, pic.countText(entry))
		}
	}
	if pic.hasTextContaining("GC") || pic.hasTextContaining("syscall") {
		t.Error("legend lists states the view does not use")
	}
	// Exact bars: running on P0 (2), g1 and g2 (1 each), its swatch; the load
	// band's running area is a polygon of the same color.
	if got := len(pic.fillsOf(stateHex("running"))); got != 2+2+1+1 {
		t.Errorf("running fills = %d, want 6", got)
	}
	// The chan bar spans the whole axis: as wide as the P0 bars together
	// and the idle end of P0.
	ch := pic.fillsOf(stateHex("chan"))
	var run []svgPath // P0's two bars: the only lane with two running bars
	byRow := map[float64][]svgPath{}
	for _, f := range pic.fillsOf(stateHex("running")) {
		byRow[f.minY] = append(byRow[f.minY], f)
	}
	for _, fs := range byRow {
		if len(fs) == 2 {
			run = fs
		}
	}
	if len(ch) != 2 || len(run) < 2 {
		t.Fatalf("chan fills %d, running bars %d", len(ch), len(run))
	}
	w10, w4 := ch[0].maxX-ch[0].minX, run[0].maxX-run[0].minX
	if math.Abs(w10/w4-2.5) > 0.02 {
		t.Errorf("a 10 ms bar is %.3f× a 4 ms one, want 2.5", w10/w4)
	}
	if pic.countText("top: 4 at once") != 1 {
		t.Errorf("the load band does not give its scale; texts: %q", pic.texts)
	}
	s := c.String()
	for _, want := range []string{"Scheduler: lock", "a hand-made view", "Ps: P0; goroutines: g1 main, g2 worker, g3 line 4",
		`"5 more": the share of its goroutines`, "drawing: all 7 bars one by one"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

// TestSchedMergesNarrow: a lane of a hundred thousand 1µs states draws as
// a few hundred merged stacks, and the summary says so.
func TestSchedMergesNarrow(t *testing.T) {
	const n = 100_000
	lane := StateLane{Name: "g1"}
	states := []string{"running", "runnable", "sync"}
	for i := range n {
		lane.Spans = append(lane.Spans, StateSpan{Start: time.Duration(i) * time.Microsecond,
			End: time.Duration(i+1) * time.Microsecond, State: states[i%3]})
	}
	c := Sched(&SchedView{Span: n * time.Microsecond, Goroutines: []StateLane{lane}})
	pic := svgOf(t, c)
	fills := 0
	for _, st := range states {
		fills += len(pic.fillsOf(stateHex(st)))
	}
	if fills > 3*2000 {
		t.Errorf("%d fills for a lane %d pixels wide", fills, 800)
	}
	if !strings.Contains(c.String(), fmt.Sprintf("drawing: %d of %d bars are shorter than one pixel", n, n)) {
		t.Errorf("summary:\n%s", c)
	}
}

// TestSchedOddInput: views no tool should make still draw.
func TestSchedOddInput(t *testing.T) {
	huge := time.Duration(math.MaxInt64)
	tests := []struct {
		name string
		v    *SchedView
	}{
		{"nil", nil},
		{"empty", &SchedView{}},
		{"no span", &SchedView{Goroutines: []StateLane{{Name: "g", Spans: []StateSpan{{Start: 0, End: 0, State: "running"}}}}}},
		{"backwards and negative", &SchedView{Span: ms, Procs: []StateLane{{Name: "P0", Spans: []StateSpan{
			{Start: ms, End: 0, State: "running", Label: "g1"}, {Start: -ms, End: ms / 2, State: "chan"}}}}}},
		{"huge times", &SchedView{Span: huge, Goroutines: []StateLane{{Name: "g", Spans: []StateSpan{{Start: -huge, End: huge, State: "x"}}}}}},
		{"unknown and empty states", &SchedView{Span: ms, Goroutines: []StateLane{{Name: "g", Spans: []StateSpan{
			{Start: 0, End: ms / 2, State: ""}, {Start: ms / 2, End: ms, State: "waiting for Godot"}}}}}},
		{"series out of order", &SchedView{Span: ms, Load: &StateGroup{Name: "l", Series: []StateSeries{
			{State: "running", Steps: []Step{{At: ms, N: 3}, {At: 0, N: -2}, {At: 2 * ms, N: 1}}}}},
			Folded: &StateGroup{Name: "f", Series: []StateSeries{{State: "sync", Steps: []Step{{At: -ms, N: 2}}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Sched(tt.v)
			if _, err := c.SVG(); err != nil {
				t.Fatalf("SVG: %v", err)
			}
			if _, err := c.PNG(); err != nil {
				t.Fatalf("PNG: %v", err)
			}
			if !strings.HasSuffix(c.String(), "\n") {
				t.Error("summary does not end in a newline")
			}
		})
	}
}

func TestStackedPeak(t *testing.T) {
	tests := []struct {
		name string
		g    StateGroup
		want int
	}{
		{"empty", StateGroup{}, 0},
		{"one series", StateGroup{Series: []StateSeries{{Steps: []Step{{0, 2}, {ms, 5}, {2 * ms, 1}}}}}, 5},
		{"peaks apart", StateGroup{Series: []StateSeries{
			{Steps: []Step{{0, 3}, {ms, 0}}},
			{Steps: []Step{{0, 0}, {ms, 2}}},
		}}, 3},
		{"peaks together", StateGroup{Series: []StateSeries{
			{Steps: []Step{{0, 3}, {ms, 0}}},
			{Steps: []Step{{0, 2}}},
		}}, 5},
		{"handoff at one moment", StateGroup{Series: []StateSeries{
			{Steps: []Step{{0, 1}, {ms, 0}}},
			{Steps: []Step{{0, 0}, {ms, 1}}},
		}}, 1},
	}
	for _, tt := range tests {
		if got := stackedPeak(&tt.g); got != tt.want {
			t.Errorf("%s: stackedPeak = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestAddToBins(t *testing.T) {
	tests := []struct {
		name     string
		from, to time.Duration
		v        float64
		want     []float64
	}{
		{"inside one bin", 2 * ms, 4 * ms, 5, []float64{1, 0, 0}},
		{"across bins", 5 * ms, 25 * ms, 2, []float64{1, 2, 1}},
		{"past the end", 20 * ms, 99 * ms, 1, []float64{0, 0, 1}},
		{"empty", 3 * ms, 3 * ms, 9, []float64{0, 0, 0}},
	}
	for _, tt := range tests {
		bins := make([]float64, 3)
		addToBins(bins, 10*ms, tt.from, tt.to, tt.v)
		for i := range bins {
			if math.Abs(bins[i]-tt.want[i]) > 1e-9 {
				t.Errorf("%s: bins = %v, want %v", tt.name, bins, tt.want)
				break
			}
		}
	}
}

// A state that takes under a pixel of the scheduler chart is left out of
// its legend: a 5 µs syscall in a 10 ms view.
func TestSchedLegendLeavesOutInvisibleStates(t *testing.T) {
	v := lockView()
	v.Goroutines = append(v.Goroutines, StateLane{Name: "g4 line 9", Spans: []StateSpan{
		{Start: 0, End: 5 * time.Microsecond, State: "syscall"},
		{Start: 5 * time.Microsecond, End: 10 * ms, State: "sleep"},
	}})
	pic := svgOf(t, Sched(v))
	if pic.hasTextContaining(stateLabel("syscall")) {
		t.Errorf("the legend lists %q, 5 µs of a 10 ms chart", stateLabel("syscall"))
	}
	if !pic.hasTextContaining(stateLabel("chan")) {
		t.Errorf("the legend lacks %q", stateLabel("chan"))
	}
}

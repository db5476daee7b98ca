package plots

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/conclab/conclab/demos"
)

// widthOf sums the widths of fills, legend swatches (the narrowest) left out.
func widthOf(fills []svgPath, swatch float64) float64 {
	w := 0.0
	for _, f := range fills {
		if d := f.maxX - f.minX; math.Abs(d-swatch) > 0.01 {
			w += d
		}
	}
	return w
}

// TestTimelineFillFollowsStates draws one goroutine that runs 4 ms, waits
// 2 ms for a core and blocks 4 ms on a lock, all inside one "cpu"
// phase: the bar's colors must take the states' widths, and the phase must
// be a tinted band, not a bar color.
func TestTimelineFillFollowsStates(t *testing.T) {
	rec := &demos.Recording{Title: "states", Kind: demos.KindGoroutines, Wall: 10 * ms, GOMAXPROCS: 2, NumCPU: 2,
		StateSource: "Go execution trace",
		Tasks: []demos.Task{{ID: 0, Lane: "g0", Start: 0, End: 10 * ms,
			Phases: []demos.Phase{{Name: "cpu", Start: 0, End: 10 * ms}},
			Goroutines: []demos.Goroutine{{ID: 9, States: []demos.Span{
				{Start: 0, End: 4 * ms, State: demos.StateRunning},
				{Start: 4 * ms, End: 6 * ms, State: demos.StateRunnable},
				{Start: 6 * ms, End: 10 * ms, State: demos.StateSync},
			}}}}}}
	pic := svgOf(t, Timeline(rec))
	swatch := 0.0
	for _, f := range pic.fillsOf(stateHex(string(demos.StateRunning))) {
		if d := f.maxX - f.minX; swatch == 0 || d < swatch {
			swatch = d
		}
	}
	run := widthOf(pic.fillsOf(stateHex(string(demos.StateRunning))), swatch)
	wait := widthOf(pic.fillsOf(stateHex(string(demos.StateRunnable))), swatch)
	sync := widthOf(pic.fillsOf(stateHex(string(demos.StateSync))), swatch)
	if run <= 0 || wait <= 0 || sync <= 0 {
		t.Fatalf("state fills: running %.1f, runnable %.1f, sync %.1f wide; want all three", run, wait, sync)
	}
	if r := run / wait; math.Abs(r-2) > 0.05 {
		t.Errorf("running is %.2f times as wide as runnable, want 2 (4 ms against 2 ms)", r)
	}
	if r := sync / run; math.Abs(r-1) > 0.05 {
		t.Errorf("sync is %.2f times as wide as running, want 1", r)
	}
	if n := len(pic.fillsOf(hexOf("cpu"))); n != 0 {
		t.Errorf("the phase is drawn in its full color %d times: with states it belongs in the tinted band", n)
	}
	band := pic.fillsOf(hexOfColor(tint(NewPalette().Color("cpu"))))
	if len(band) < 2 { // the band and its legend swatch
		t.Fatalf("%d tinted fills of the phase, want the band and a swatch", len(band))
	}
	for _, f := range band {
		if f.maxY-f.minY >= pic.fillsOf(stateHex(string(demos.StateRunning)))[0].maxY-pic.fillsOf(stateHex(string(demos.StateRunning)))[0].minY &&
			f.maxX-f.minX > swatch+0.01 {
			t.Errorf("the phase band (%.1f tall) is not thinner than the state bar", f.maxY-f.minY)
		}
	}
	for _, label := range []string{"running (holding a P)", "runnable (waiting to run)", "phase: cpu"} {
		if !pic.hasTextContaining(label) {
			t.Errorf("legend lacks %q", label)
		}
	}
}

// A state too thin to be seen anywhere on the chart gets no legend entry:
// a 10 µs wait on a channel in a 100 ms run is under a pixel wide.
func TestLegendLeavesOutInvisibleStates(t *testing.T) {
	rec := &demos.Recording{Title: "slivers", Kind: demos.KindGoroutines, Wall: 100 * ms, GOMAXPROCS: 2, NumCPU: 2,
		StateSource: "Go execution trace",
		Tasks: []demos.Task{{ID: 0, Lane: "g0", Start: 0, End: 100 * ms,
			Goroutines: []demos.Goroutine{{ID: 9, States: []demos.Span{
				{Start: 0, End: 60 * ms, State: demos.StateRunning},
				{Start: 60 * ms, End: 60*ms + 10*time.Microsecond, State: demos.StateChan},
				{Start: 60*ms + 10*time.Microsecond, End: 100 * ms, State: demos.StateSync},
			}}}}}}
	pic := svgOf(t, Timeline(rec))
	for _, label := range []string{"running (holding a P)", stateLabel(string(demos.StateSync))} {
		if !pic.hasTextContaining(label) {
			t.Errorf("legend lacks %q", label)
		}
	}
	if label := stateLabel(string(demos.StateChan)); pic.hasTextContaining(label) {
		t.Errorf("legend lists %q, 10 µs of a 100 ms chart", label)
	}
}

// TestTimelineSampledStatesAreStacks draws a process thread sampled over
// two 10 ms intervals, running half of each: each interval's bar must be a
// stack half filled with running, never a made-up order side by side.
func TestTimelineSampledStatesAreStacks(t *testing.T) {
	rec := &demos.Recording{Title: "sampled", Kind: demos.KindCommands, Wall: 20 * ms, NumCPU: 2, StateSource: "/proc every 2ms",
		Tasks: []demos.Task{{ID: 0, Lane: "pid 7", Start: 0, End: 20 * ms, PID: 7,
			Threads: []demos.Thread{{TID: 7, Name: "python3", Samples: []demos.Sample{
				{Start: 0, End: 10 * ms, Running: 5 * ms, Runnable: 2 * ms},
				{Start: 10 * ms, End: 20 * ms, Running: 5 * ms},
			}}}}}}
	pic := svgOf(t, Timeline(rec))
	running := pic.fillsOf(stateHex(string(demos.StateRunning)))
	blocked := pic.fillsOf(stateHex(string(demos.StateBlocked)))
	if len(running) < 2 || len(blocked) < 2 {
		t.Fatalf("%d running and %d blocked fills, want stacks of both", len(running), len(blocked))
	}
	// The widest running fill spans whole intervals, and shares its width
	// with a blocked fill above or below it.
	widest := running[0]
	for _, f := range running {
		if f.maxX-f.minX > widest.maxX-widest.minX {
			widest = f
		}
	}
	stacked := false
	for _, b := range blocked {
		if math.Abs(b.minX-widest.minX) < 1 && (b.minY >= widest.maxY-0.5 || b.maxY <= widest.minY+0.5) {
			stacked = true
		}
	}
	if !stacked {
		t.Errorf("running (%.1f–%.1f) has no blocked share stacked on it", widest.minX, widest.maxX)
	}
	if s := Timeline(rec).String(); !strings.Contains(s, "from the /proc every 2ms") && !strings.Contains(s, "/proc every 2ms") {
		t.Errorf("summary does not say where the states come from:\n%s", s)
	}
}

// Time before a task's goroutine existed has no state: drawn gray, and
// named in the legend once it is wide enough to see.
func TestTimelineNamesUnknownState(t *testing.T) {
	rec := &demos.Recording{Kind: demos.KindGoroutines, Wall: 10 * ms, GOMAXPROCS: 2, NumCPU: 2,
		Tasks: []demos.Task{{Lane: "g0", End: 10 * ms, Goroutines: []demos.Goroutine{{ID: 3, States: []demos.Span{
			{Start: ms, End: 10 * ms, State: demos.StateRunning}}}}}}}
	if pic := svgOf(t, Timeline(rec)); !pic.hasTextContaining("state unknown") {
		t.Error("a 1 ms stretch of unknown state is not in the legend")
	}
	rec.Tasks[0].Goroutines[0].States[0].Start = 0
	if pic := svgOf(t, Timeline(rec)); pic.hasTextContaining("state unknown") {
		t.Error("the legend names an unknown state no lane has")
	}
}

// Spans under a pixel are merged and drawn as shares of it: a state is
// listed when it fills a visible slice of some pixel, not when it is
// spread so thin that no pixel shows it.
func TestLegendListsStatesThatShow(t *testing.T) {
	bursts := func(each time.Duration) *demos.Recording {
		var spans []demos.Span
		for i := range 100 {
			at := time.Duration(i) * ms
			spans = append(spans,
				demos.Span{Start: at, End: at + each, State: demos.StateRunning},
				demos.Span{Start: at + each, End: at + ms, State: demos.StateSelect})
		}
		return &demos.Recording{Title: "bursts", Kind: demos.KindGoroutines, Wall: 100 * ms, GOMAXPROCS: 2, NumCPU: 2,
			StateSource: "Go execution trace",
			Tasks:       []demos.Task{{ID: 0, Lane: "g0", Start: 0, End: 100 * ms, Goroutines: []demos.Goroutine{{ID: 9, States: spans}}}}}
	}
	if pic := svgOf(t, Timeline(bursts(200*time.Microsecond))); !pic.hasTextContaining("running (holding a P)") {
		t.Error("the legend leaves out running: 200 µs of every millisecond")
	}
	if pic := svgOf(t, Timeline(bursts(10*time.Microsecond))); pic.hasTextContaining("running (holding a P)") {
		t.Error("the legend lists running: 10 µs of every millisecond, a twentieth of a pixel")
	}
}

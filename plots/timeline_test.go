package plots

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/conclab/conclab/demos"
)

// poolRecording makes a recording of lanes×perLane back-to-back tasks of
// length d with gaps of d/10, each split between the given phases equally.
func poolRecording(lanes, perLane int, d time.Duration, phases ...string) *demos.Recording {
	rec := &demos.Recording{Title: "pool", Kind: "pool", GOMAXPROCS: lanes, NumCPU: 2}
	id := 0
	for i := range perLane {
		for w := range lanes {
			s := time.Duration(i) * (d + d/10)
			t := demos.Task{ID: id, Lane: fmt.Sprintf("worker %d", w), Start: s, End: s + d}
			for k, ph := range phases {
				part := d / time.Duration(len(phases))
				t.Phases = append(t.Phases, demos.Phase{Name: ph, Start: s + time.Duration(k)*part, End: s + time.Duration(k+1)*part})
			}
			if len(phases) > 0 {
				t.Phases[len(phases)-1].End = s + d
			}
			rec.Tasks = append(rec.Tasks, t)
			id++
			rec.Wall = max(rec.Wall, t.End)
		}
	}
	return rec
}

func TestTimelinePicture(t *testing.T) {
	withFailure := poolRecording(2, 3, 5*ms, "cpu")
	withFailure.Tasks[1].Err = "exit status 1"
	withFailure.Tasks[2].Marks = []demos.Mark{{Name: "sent", At: withFailure.Tasks[2].Start + ms}}
	halfPhased := poolRecording(1, 2, 10*ms)
	for i := range halfPhased.Tasks {
		tk := &halfPhased.Tasks[i]
		tk.Phases = []demos.Phase{{Name: "sleep", Start: tk.Start, End: tk.Start + 5*ms}}
	}

	tests := []struct {
		name   string
		rec    *demos.Recording
		bars   map[string]int // fills per phase: bars plus the legend swatch
		lanes  []string
		legend []string
		absent []string
	}{
		{
			name:   "one lane",
			rec:    poolRecording(1, 3, 10*ms, "cpu"),
			bars:   map[string]int{"cpu": 3 + 1},
			lanes:  []string{"worker 0"},
			legend: []string{"cpu"},
			absent: []string{"io", "task (no phase)", "failed task"},
		},
		{
			name:   "four lanes, two phases",
			rec:    poolRecording(4, 2, 10*ms, "io", "cpu"),
			bars:   map[string]int{"cpu": 8 + 1, "io": 8 + 1},
			lanes:  []string{"worker 0", "worker 1", "worker 2", "worker 3"},
			legend: []string{"cpu", "io"},
		},
		{
			name:   "unknown phases",
			rec:    poolRecording(2, 1, 10*ms, "parse", "render"),
			lanes:  []string{"worker 0", "worker 1"},
			legend: []string{"parse", "render"},
		},
		{
			name:   "failures and marks",
			rec:    withFailure,
			bars:   map[string]int{"cpu": 6 + 1},
			lanes:  []string{"worker 0", "worker 1"},
			legend: []string{"cpu", "failed task", "mark: sent"},
		},
		{
			name:   "time outside phases",
			rec:    halfPhased,
			bars:   map[string]int{"sleep": 2 + 1, Unphased: 2 + 1},
			lanes:  []string{"worker 0"},
			legend: []string{"sleep", "task (no phase)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pic := svgOf(t, Timeline(tt.rec))
			for phase, want := range tt.bars {
				if got := len(pic.fillsOf(hexOf(phase))); got != want {
					t.Errorf("%s fills = %d, want %d", phase, got, want)
				}
			}
			for _, lane := range tt.lanes {
				if pic.countText(lane) != 1 {
					t.Errorf("lane label %q drawn %d times, want once", lane, pic.countText(lane))
				}
			}
			if got := lanesLabeled(pic); got != len(tt.lanes) {
				t.Errorf("%d lane labels, want %d", got, len(tt.lanes))
			}
			for _, entry := range tt.legend {
				if pic.countText(entry) != 1 {
					t.Errorf("legend entry %q drawn %d times, want once", entry, pic.countText(entry))
				}
			}
			for _, entry := range tt.absent {
				if pic.countText(entry) != 0 {
					t.Errorf("unexpected text %q", entry)
				}
			}
		})
	}
}

// lanesLabeled counts the "worker N" labels.
func lanesLabeled(pic svgPicture) int {
	n := 0
	for _, s := range pic.texts {
		if strings.HasPrefix(s, "worker ") {
			n++
		}
	}
	return n
}

func TestTimelineFailedTaskFramed(t *testing.T) {
	rec := poolRecording(2, 3, 5*ms, "cpu")
	rec.Tasks[1].Err = "boom"
	rec.Tasks[4].Err = "boom"
	pic := svgOf(t, Timeline(rec))
	// Two frames plus the legend's.
	if got := len(pic.strokesOf("#A50F15")); got != 3 {
		t.Errorf("failed frames = %d, want 3", got)
	}
}

// TestTimelineBarsAreToScale measures the bars: a 10ms task must be half as
// wide as a 20ms one, and a 10ms gap as wide as the first.
func TestTimelineBarsAreToScale(t *testing.T) {
	rec := &demos.Recording{Wall: 40 * ms, Tasks: []demos.Task{
		{Lane: "w", Start: 0, End: 10 * ms, Phases: []demos.Phase{{Name: "cpu", Start: 0, End: 10 * ms}}},
		{Lane: "w", Start: 20 * ms, End: 40 * ms, Phases: []demos.Phase{{Name: "io", Start: 20 * ms, End: 40 * ms}}},
	}}
	pic := svgOf(t, Timeline(rec))
	a, b := pic.fillsOf(hexOf("cpu")), pic.fillsOf(hexOf("io"))
	if len(a) != 2 || len(b) != 2 {
		t.Fatalf("want one bar and one swatch per phase, got %d and %d", len(a), len(b))
	}
	// Bars come before the legend swatches.
	bar1, bar2 := a[0], b[0]
	w1, w2 := bar1.maxX-bar1.minX, bar2.maxX-bar2.minX
	gap := bar2.minX - bar1.maxX
	if math.Abs(w2/w1-2) > 0.01 {
		t.Errorf("20ms bar is %.3f× the 10ms bar, want 2", w2/w1)
	}
	if math.Abs(gap/w1-1) > 0.01 {
		t.Errorf("10ms gap is %.3f× the 10ms bar, want 1", gap/w1)
	}
	if math.Abs((bar1.maxY-bar1.minY)-(bar2.maxY-bar2.minY)) > 0.01 || bar1.minY != bar2.minY {
		t.Error("bars on one lane should share their height")
	}
}

func TestTimelineManyLanesStayLegible(t *testing.T) {
	rec := poolRecording(64, 4, ms, "cpu")
	c := Timeline(rec)
	pic := svgOf(t, c)
	labeled := lanesLabeled(pic)
	if labeled < 16 || labeled >= 64 {
		t.Errorf("%d of 64 lanes labeled; want labels thinned but at least every fourth", labeled)
	}
	if pic.countText("worker 0") != 1 {
		t.Error("first lane should keep its label")
	}
	// Labels must not overlap: with a 9pt font, baselines at least 9pt apart.
	var ys []float64
	for i, s := range pic.texts {
		if strings.HasPrefix(s, "worker ") {
			ys = append(ys, pic.textY[i])
		}
	}
	slices.Sort(ys)
	for i := 1; i < len(ys); i++ {
		if ys[i]-ys[i-1] < 9 {
			t.Fatalf("lane labels %.1fpt apart, want at least 9", ys[i]-ys[i-1])
		}
	}
	if got := len(pic.fillsOf(hexOf("cpu"))); got != 64*4+1 {
		t.Errorf("cpu fills = %d, want 257", got)
	}
}

func TestTimelineDenseMerges(t *testing.T) {
	// 10,000 tasks of 16µs on 8 lanes: a pixel holds several.
	rec := poolRecording(8, 1250, 16*time.Microsecond, "cpu", "cpu", "cpu", "io")
	c := Timeline(rec)
	pic := svgOf(t, c)
	if n := len(pic.fills); n > 8*1000 {
		t.Errorf("%d filled paths for 10,000 tasks: nothing was merged", n)
	}
	if len(pic.fillsOf(hexOf("io"))) < 9 {
		t.Error("io, a quarter of every task, vanished from the merged lanes")
	}
	s := c.String()
	if !strings.Contains(s, "10000 of 10000 tasks are shorter than one pixel") {
		t.Errorf("summary does not report the merge:\n%s", s)
	}
}

func TestTimelineSummary(t *testing.T) {
	rec := &demos.Recording{Title: "squares", Kind: "goroutines", Wall: 100 * ms, CPU: 200 * ms, GOMAXPROCS: 4, NumCPU: 2,
		GoVersion: "go1.26.8", Notes: []string{"warm cache"}}
	for i := range 3 {
		rec.Tasks = append(rec.Tasks, demos.Task{ID: i, Lane: fmt.Sprintf("g%d", i+1), Start: 0, End: 100 * ms,
			Phases: []demos.Phase{{Name: "cpu", Start: 0, End: 50 * ms}, {Name: "io", Start: 50 * ms, End: 100 * ms}}})
	}
	rec.Tasks[2].Err = "bad input"
	c := Timeline(rec)
	s := c.String()
	for _, want := range []string{
		"Timeline: squares (goroutines)",
		"wall 100ms · CPU 200ms · busy 300ms",
		"parallelism 2.00 = CPU / wall",
		"concurrency 3.00 = busy / wall",
		"states: not recorded",
		"GOMAXPROCS=4, 2 CPUs, go1.26.8",
		"3 lanes, 3 tasks, 1 failed",
		"first failure: task 2 on g3: bad input",
		"phases: cpu 150 ms (50%), io 150 ms (50%)",
		"lanes: g1 1 task, busy 100%; g2 1 task, busy 100%; g3 1 task, busy 100%",
		"note: warm cache",
		"drawing: all 3 tasks as separate bars",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	pic := svgOf(t, c)
	// The header shows the figures the summary starts with, and no
	// "speedup": a single run has none.
	if !pic.hasTextContaining(rec.Figures().Headline()) || pic.hasTextContaining("speedup") || strings.Contains(s, "speedup") {
		t.Errorf("title lacks the run's figures, or speaks of a speedup: %q", pic.texts[:2])
	}
}

func TestCompare(t *testing.T) {
	one := poolRecording(1, 4, 10*ms, "cpu")
	one.Title, one.GOMAXPROCS = "GOMAXPROCS=1", 1
	all := poolRecording(4, 1, 10*ms, "cpu")
	all.Title = "all cores"
	c := Compare(one, all)
	pic := svgOf(t, c)
	if !pic.hasTextContaining("Compare: GOMAXPROCS=1 vs all cores") {
		t.Error("title missing")
	}
	for _, h := range []string{"GOMAXPROCS=1: wall", "all cores: wall"} {
		if !pic.hasTextContaining(h) {
			t.Errorf("section header %q missing", h)
		}
	}
	if got := lanesLabeled(pic); got != 5 {
		t.Errorf("%d lane labels, want 1 + 4", got)
	}
	if pic.countText("cpu") != 1 {
		t.Error("the shared legend should list cpu once")
	}
	// Shared time axis: every 10ms task is as wide in both sections.
	bars := pic.fillsOf(hexOf("cpu"))
	if len(bars) != 8+1 {
		t.Fatalf("got %d cpu fills, want 8 bars + 1 swatch", len(bars))
	}
	w := bars[0].maxX - bars[0].minX
	for _, b := range bars[:8] {
		if math.Abs((b.maxX-b.minX)-w) > 0.01 {
			t.Errorf("bar %.2f wide, want %.2f like the others", b.maxX-b.minX, w)
		}
	}
	if s := c.String(); !strings.Contains(s, `"all cores" took 0.233× the wall time of "GOMAXPROCS=1" (10ms against 43ms)`) {
		t.Errorf("summary lacks the comparison:\n%s", s)
	}
}

func TestCompareEmpty(t *testing.T) {
	c := Compare()
	if _, err := c.PNG(); err != nil {
		t.Errorf("PNG: %v", err)
	}
	if !strings.Contains(c.String(), "no recordings") {
		t.Errorf("summary = %q", c.String())
	}
}

func TestCompareHeadersFitManyLanes(t *testing.T) {
	few, many := poolRecording(2, 1, ms, "cpu"), poolRecording(64, 1, ms, "cpu")
	few.Title, many.Title = "few", "many"
	pic := svgOf(t, Compare(few, many))
	// The header's baseline must sit above the top of the first lane below
	// it by at least the text's height.
	headerY, laneY := 0.0, 0.0
	for i, s := range pic.texts {
		if strings.HasPrefix(s, "many: wall") {
			headerY = pic.textY[i]
		}
	}
	for i, s := range pic.texts {
		if y := pic.textY[i]; s == "worker 0" && y < headerY && y > laneY {
			laneY = y // the first lane of "many", just under its header
		}
	}
	if headerY == 0 || laneY == 0 {
		t.Fatal("header or lane label not found")
	}
	if headerY-laneY < 9 {
		t.Errorf("header %.1fpt above its first lane label, want at least 9", headerY-laneY)
	}
}

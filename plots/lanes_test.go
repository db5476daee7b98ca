package plots

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"gonum.org/v1/plot"

	"github.com/conclab/conclab/demos"
)

func TestNaturalCompare(t *testing.T) {
	in := []string{"worker 10", "worker 2", "g1", "worker 1", "g10", "g9", "pid 4121", "pid 998", "a"}
	want := []string{"a", "g1", "g9", "g10", "pid 998", "pid 4121", "worker 1", "worker 2", "worker 10"}
	got := slices.Clone(in)
	slices.SortStableFunc(got, naturalCompare)
	if !slices.Equal(got, want) {
		t.Errorf("sorted %q, want %q", got, want)
	}
}

func TestLanesGeometry(t *testing.T) {
	rec := &demos.Recording{Wall: 30 * ms, Tasks: []demos.Task{
		{Lane: "w2", Start: 0, End: 10 * ms},
		{Lane: "w10", Start: 5 * ms, End: 40 * ms},
		{Lane: "w1", Start: 1 * ms, End: 2 * ms},
	}}
	l := NewLanes(rec)
	l.Base = 3
	l.Header = "run"
	if got, want := l.Names(), []string{"w1", "w2", "w10"}; !slices.Equal(got, want) {
		t.Errorf("Names = %q, want %q", got, want)
	}
	xmin, xmax, ymin, ymax := l.DataRange()
	if xmin != 0 || xmax != 40 || ymin != 3 || ymax != 7 {
		t.Errorf("DataRange = %v %v %v %v, want 0 40 (last task end in ms) 3 7 (3 lanes + header)", xmin, xmax, ymin, ymax)
	}
	ticks := l.Ticks()
	want := []plot.Tick{{Value: 5.5, Label: "w1"}, {Value: 4.5, Label: "w2"}, {Value: 3.5, Label: "w10"}}
	if !slices.Equal(ticks, want) {
		t.Errorf("Ticks = %+v, want %+v (first lane on top)", ticks, want)
	}
}

func TestLanesNilRecording(t *testing.T) {
	l := NewLanes(nil)
	if len(l.Names()) != 0 || l.Phases() != nil {
		t.Error("a nil recording should have no lanes and no phases")
	}
	if _, err := Timeline(nil).SVG(); err != nil {
		t.Errorf("Timeline(nil).SVG: %v", err)
	}
}

func TestLaneTicksThinning(t *testing.T) {
	rec := &demos.Recording{Wall: ms}
	for i := range 64 {
		rec.Tasks = append(rec.Tasks, demos.Task{Lane: fmt.Sprintf("worker %d", i), End: ms})
	}
	l := NewLanes(rec)
	tests := []struct {
		laneH  float64
		labels int
	}{{20, 64}, {labelHeight, 64}, {7, 32}, {3, 16}}
	for _, tt := range tests {
		ticks := laneTicks([]*Lanes{l}, tt.laneH)
		labels := 0
		for _, tk := range ticks {
			if tk.Label != "" {
				labels++
			}
		}
		if len(ticks) != 64 || labels != tt.labels {
			t.Errorf("lane height %v: %d ticks, %d labels; want 64 and %d", tt.laneH, len(ticks), labels, tt.labels)
		}
		if ticks[0].Label != "worker 0" {
			t.Errorf("lane height %v: first lane unlabeled", tt.laneH)
		}
	}
}

// TestLanesInOwnPlot checks that Lanes composes with gonum/plot on its own:
// added to a plain plot with a legend, every task becomes a bar.
func TestLanesInOwnPlot(t *testing.T) {
	rec := &demos.Recording{Wall: 4 * ms}
	for i := range 4 {
		s := time.Duration(i) * ms
		rec.Tasks = append(rec.Tasks, demos.Task{Lane: "solo", Start: s, End: s + ms,
			Phases: []demos.Phase{{Name: "cpu", Start: s, End: s + ms}}})
	}
	p := plot.New()
	l := NewLanes(rec)
	p.Add(l)
	p.Legend.Add("run", l)
	c := &Chart{plot: p, width: 300, height: 200}
	pic := svgOf(t, c)
	// Four bars plus the legend thumbnail, which shows the phases used.
	if got := len(pic.fillsOf(hexOf("cpu"))); got != 5 {
		t.Errorf("cpu fills = %d, want 4 bars + 1 thumbnail", got)
	}
	if pic.countText("run") != 1 {
		t.Error("legend entry missing")
	}
}

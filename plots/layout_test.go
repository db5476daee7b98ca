package plots

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/conclab/conclab/demos"
)

const ms = time.Millisecond

func TestSegments(t *testing.T) {
	tests := []struct {
		name string
		task demos.Task
		want []span
	}{
		{
			name: "no phases is one unphased stretch",
			task: demos.Task{Start: 1 * ms, End: 3 * ms},
			want: []span{{Start: 1 * ms, End: 3 * ms, Phase: Unphased}},
		},
		{
			name: "gaps between phases are unphased",
			task: demos.Task{Start: 0, End: 10 * ms, Phases: []demos.Phase{
				{Name: "io", Start: 6 * ms, End: 8 * ms}, {Name: "cpu", Start: 2 * ms, End: 5 * ms}}},
			want: []span{
				{Start: 0, End: 2 * ms, Phase: Unphased},
				{Start: 2 * ms, End: 5 * ms, Phase: "cpu"},
				{Start: 5 * ms, End: 6 * ms, Phase: Unphased},
				{Start: 6 * ms, End: 8 * ms, Phase: "io"},
				{Start: 8 * ms, End: 10 * ms, Phase: Unphased},
			},
		},
		{
			name: "phases are clipped to the task",
			task: demos.Task{Start: 2 * ms, End: 4 * ms, Phases: []demos.Phase{
				{Name: "cpu", Start: 0, End: 9 * ms}, {Name: "io", Start: 5 * ms, End: 6 * ms}}},
			want: []span{{Start: 2 * ms, End: 4 * ms, Phase: "cpu"}},
		},
		{
			name: "a task ending before it starts is empty",
			task: demos.Task{Start: 5 * ms, End: 1 * ms},
			want: []span{{Start: 5 * ms, End: 5 * ms, Phase: Unphased}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := segments(tt.task)
			if !slices.EqualFunc(got, tt.want, func(a, b span) bool {
				return a.Start == b.Start && a.End == b.End && a.Phase == b.Phase && a.Mix == nil
			}) {
				t.Errorf("segments = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// evenTasks makes n back-to-back tasks of length d on one lane, each split
// into cpu then io at the fraction cpu.
func evenTasks(n int, d time.Duration, cpu float64) []demos.Task {
	var ts []demos.Task
	for i := range n {
		s := time.Duration(i) * d
		cut := s + time.Duration(float64(d)*cpu)
		ts = append(ts, demos.Task{ID: i, Lane: "w", Start: s, End: s + d, Phases: []demos.Phase{
			{Name: "cpu", Start: s, End: cut}, {Name: "io", Start: cut, End: s + d}}})
	}
	return ts
}

func TestLayoutLaneExactWhenWide(t *testing.T) {
	tasks := evenTasks(5, 10*ms, 0.5)
	lay := layoutLane(tasks, ms)
	if lay.tasks != 5 || lay.merged != 0 {
		t.Fatalf("tasks %d merged %d, want 5 and 0", lay.tasks, lay.merged)
	}
	if len(lay.spans) != 10 {
		t.Errorf("got %d spans, want one per phase (10)", len(lay.spans))
	}
	if len(lay.outlines) != 5 {
		t.Errorf("got %d outlines, want one per task", len(lay.outlines))
	}
	for _, s := range lay.spans {
		if s.Mix != nil {
			t.Errorf("wide span %+v was merged", s)
		}
	}
}

func TestLayoutLaneMergesNarrowTasks(t *testing.T) {
	// 1000 tasks of 10µs, 75% cpu, at a resolution of 100µs: ten tasks a bin.
	tasks := evenTasks(1000, 10*time.Microsecond, 0.75)
	res := 100 * time.Microsecond
	lay := layoutLane(tasks, res)
	if lay.merged != 1000 {
		t.Fatalf("merged %d, want 1000", lay.merged)
	}
	if len(lay.outlines) != 0 {
		t.Errorf("merged tasks got %d outlines", len(lay.outlines))
	}
	// Every bin is the same mix, so they join into one span over the lane.
	if len(lay.spans) != 1 {
		t.Fatalf("got %d spans, want 1: %+v", len(lay.spans), lay.spans[:min(3, len(lay.spans))])
	}
	s := lay.spans[0]
	if s.Start != 0 || s.End != 10*ms {
		t.Errorf("span covers %v..%v, want 0..10ms", s.Start, s.End)
	}
	want := []share{{"cpu", 6}, {"io", 2}}
	if !slices.Equal(s.Mix, want) {
		t.Errorf("mix = %+v, want %+v", s.Mix, want)
	}
}

func TestLayoutLaneMixShowsIdleTime(t *testing.T) {
	// Tasks of 10µs every 40µs: a quarter of each bin is busy.
	var tasks []demos.Task
	for i := range 100 {
		s := time.Duration(i) * 40 * time.Microsecond
		tasks = append(tasks, demos.Task{Lane: "w", Start: s, End: s + 10*time.Microsecond})
	}
	lay := layoutLane(tasks, 200*time.Microsecond)
	for _, s := range lay.spans {
		total := 0
		for _, sh := range s.Mix {
			total += sh.Eighths
		}
		if total != 2 {
			t.Errorf("span %v..%v fills %d eighths, want 2 (a quarter busy)", s.Start, s.End, total)
		}
	}
}

func TestLayoutLaneMinorityPhaseSurvives(t *testing.T) {
	// io is 1/8 of every task: merged bins must still show it.
	lay := layoutLane(evenTasks(400, 5*time.Microsecond, 0.875), 50*time.Microsecond)
	found := false
	for _, s := range lay.spans {
		for _, sh := range s.Mix {
			found = found || (sh.Phase == "io" && sh.Eighths > 0)
		}
	}
	if !found {
		t.Error("io disappeared from the merged stretches")
	}
}

func TestLayoutLaneMarksAndFailures(t *testing.T) {
	tasks := []demos.Task{
		{Lane: "w", Start: 0, End: 10 * ms, Marks: []demos.Mark{{Name: "a", At: 2 * ms}, {Name: "b", At: 2*ms + 1}, {Name: "late", At: 20 * ms}}},
		{Lane: "w", Start: 10 * ms, End: 10*ms + 10, Err: "boom", Marks: []demos.Mark{{Name: "c", At: 10 * ms}}},
	}
	lay := layoutLane(tasks, ms)
	if !slices.Equal(lay.marks, []time.Duration{2 * ms}) {
		t.Errorf("marks = %v, want one mark at 2ms (two in one pixel, one outside its task)", lay.marks)
	}
	if lay.hidden != 1 {
		t.Errorf("hidden = %d, want the narrow task's mark", lay.hidden)
	}
	failed := 0
	for _, o := range lay.outlines {
		if o.Failed {
			failed++
			if o.End-o.Start < ms {
				t.Errorf("failed narrow task outlined over %v, want at least one pixel", o.End-o.Start)
			}
		}
	}
	if failed != 1 {
		t.Errorf("got %d failed outlines, want 1", failed)
	}
}

func TestLayoutLaneNoResolutionIsExact(t *testing.T) {
	lay := layoutLane(evenTasks(100, time.Microsecond, 0.5), 0)
	if lay.merged != 0 || len(lay.spans) != 200 {
		t.Errorf("merged %d, spans %d; want 0 and 200", lay.merged, len(lay.spans))
	}
}

func TestFloorDiv(t *testing.T) {
	tests := []struct{ a, b, want int64 }{{7, 2, 3}, {-7, 2, -4}, {-8, 2, -4}, {0, 5, 0}, {-1, 5, -1}}
	for _, tt := range tests {
		if got := floorDiv(time.Duration(tt.a), time.Duration(tt.b)); got != tt.want {
			t.Errorf("floorDiv(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestLayoutLaneExtremeTimes(t *testing.T) {
	// Start-End overflows int64 when subtracted; the layout must neither
	// treat the task as narrow nor walk bins across the whole range.
	tasks := []demos.Task{
		{Lane: "w", Start: math.MinInt64, End: math.MaxInt64, Phases: []demos.Phase{{Name: "cpu", Start: math.MinInt64, End: 0}}},
		{Lane: "w", Start: math.MaxInt64 - 5, End: math.MaxInt64},
	}
	lay := layoutLane(tasks, ms)
	if lay.merged != 1 {
		t.Errorf("merged %d, want only the 5ns task", lay.merged)
	}
	for _, s := range lay.spans {
		if s.End < s.Start {
			t.Errorf("span %+v ends before it starts", s)
		}
	}
}

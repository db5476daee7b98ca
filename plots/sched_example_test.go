package plots_test

import (
	"fmt"
	"time"

	"github.com/conclab/conclab/plots"
)

// A hand-made scheduler view: two goroutines take turns on a lock with one
// P, while a third waits on a channel.
func ExampleSched() {
	const ms = time.Millisecond
	v := &plots.SchedView{
		Title: "lock on one P",
		Span:  6 * ms,
		Procs: []plots.StateLane{{Name: "P0", Spans: []plots.StateSpan{
			{Start: 0, End: 2 * ms, State: "running", Label: "g7"},
			{Start: 2 * ms, End: 4 * ms, State: "running", Label: "g8"},
			{Start: 4 * ms, End: 6 * ms, State: "running", Label: "g7"},
		}}},
		Goroutines: []plots.StateLane{
			{Name: "g7", Spans: []plots.StateSpan{
				{Start: 0, End: 2 * ms, State: "running"}, {Start: 2 * ms, End: 4 * ms, State: "sync"},
				{Start: 4 * ms, End: 6 * ms, State: "running"}}},
			{Name: "g8", Spans: []plots.StateSpan{
				{Start: 0, End: 2 * ms, State: "runnable"}, {Start: 2 * ms, End: 4 * ms, State: "running"}}},
			{Name: "g9", Spans: []plots.StateSpan{{Start: 0, End: 6 * ms, State: "chan"}}},
		},
		Load: &plots.StateGroup{Name: "running, runnable", Series: []plots.StateSeries{
			{State: "running", Steps: []plots.Step{{At: 0, N: 1}}},
			{State: "runnable", Steps: []plots.Step{{At: 0, N: 1}, {At: 2 * ms, N: 0}}},
		}},
		Summary: []string{"g7 and g8 share the lock; g9 waits on a channel all along"},
	}
	c := plots.Sched(v)
	// In a notebook, c.Show() draws it under the cell; here it prints this.
	fmt.Print(c)
	// Output:
	// Scheduler: lock on one P
	// g7 and g8 share the lock; g9 waits on a channel all along
	// lanes: Ps: P0; goroutines: g7, g8, g9; "running, runnable" on top: counts stacked, averaged over each pixel
	// drawing: all 9 bars one by one
}

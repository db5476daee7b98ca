package live

import (
	"testing"
	"time"

	"github.com/conclab/conclab/internal/live/internal/liveproto"
	"github.com/conclab/conclab/internal/schedtrace"
)

func TestCellLabels(t *testing.T) {
	ms := time.Millisecond
	g := func(id int64, creator string, start time.Duration) *schedtrace.Goroutine {
		return &schedtrace.Goroutine{ID: id, Creator: schedtrace.Frame{Func: creator}, Created: creator != "",
			Intervals: []schedtrace.Interval{{Start: start, End: start + ms}}}
	}
	child := g(9, yaegiFrames+"call.func1", 5*ms)
	child.Parent = 4
	library := g(11, yaegiFrames+"callBin.func2", 6*ms)
	library.Parent = 4
	tr := &schedtrace.Trace{
		Goroutines: []*schedtrace.Goroutine{
			g(2, "", 0), // of an earlier cell
			g(3, cellRunner, 4*ms),
			g(4, cellRunner, 0), // began first: part 1, though its ID is larger than 3's
			child,
			library,
		},
		Logs: []schedtrace.Log{
			{At: 1 * ms, G: 4, Message: "7:3"},
			{At: 4 * ms, G: 4, Message: liveproto.TraceGoPrefix + "7:5"}, // the go statement that starts g9
			{At: 5500 * time.Microsecond, G: 4, Message: "7:6"},          // a blocking statement before g11
		},
	}
	info := &liveproto.TraceInfo{Places: map[int64]liveproto.Place{2: {Cell: 3, Line: 8}}}
	label := cellLabels(tr, info, 7)
	for _, tt := range []struct {
		g    *schedtrace.Goroutine
		want string
	}{
		{tr.Goroutines[0], "g2 cell [3] line 8"},
		{tr.Goroutines[1], "g3 the cell, part 2 of 2"},
		{tr.Goroutines[2], "g4 the cell, part 1 of 2"},
		{child, "g9 line 5"},
		{library, "g11, started by g4"},
	} {
		if got := label(tt.g); got != tt.want {
			t.Errorf("label(g%d) = %q, want %q", tt.g.ID, got, tt.want)
		}
	}
}

package schedview

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/conclab/conclab/internal/schedtrace"
	"github.com/conclab/conclab/internal/schedtrace/schedtracetest"
	"github.com/conclab/conclab/plots"
)

// readKnown parses the trace of the known program.
func readKnown(t *testing.T) *schedtrace.Trace {
	t.Helper()
	tr, err := schedtrace.Read(bytes.NewReader(schedtracetest.Trace(t)), schedtrace.Options{})
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return tr
}

func TestViewOfKnownProgram(t *testing.T) {
	tr := readKnown(t)
	v := View(tr, Options{Title: "known"})
	if !strings.HasPrefix(v.Title, "known\ntraced ") || !strings.Contains(v.Title, "GOMAXPROCS=2") {
		t.Errorf("title %q", v.Title)
	}
	if len(v.Procs) < len(tr.Procs) || v.Procs[0].Name != fmt.Sprintf("P%d", tr.Procs[0].ID) {
		t.Fatalf("P lanes %d (first %q) for %d Ps", len(v.Procs), v.Procs[0].Name, len(tr.Procs))
	}
	// Every bar of a program goroutine on a P is labeled with its ID.
	labeled := 0
	for _, lane := range v.Procs[:len(tr.Procs)] {
		for _, s := range lane.Spans {
			if s.State == "running" && s.Label != "" {
				labeled++
				if !strings.HasPrefix(s.Label, "g") {
					t.Fatalf("bar label %q", s.Label)
				}
			}
		}
	}
	if labeled == 0 {
		t.Error("no P bar names its goroutine")
	}
	if len(v.Goroutines) != len(tr.Goroutines) || v.Folded != nil {
		t.Errorf("%d goroutine lanes, folded %v, for %d goroutines", len(v.Goroutines), v.Folded, len(tr.Goroutines))
	}
	names := map[string]bool{}
	for _, l := range v.Goroutines {
		names[strings.SplitN(l.Name, " ", 2)[len(strings.SplitN(l.Name, " ", 2))-1]] = true
	}
	for _, want := range []string{"schedtracetest.contend", "schedtracetest.waitOn", "schedtracetest.sleeper", "main"} {
		if !names[want] {
			t.Errorf("no lane named %q in %v", want, names)
		}
	}
	if v.Load == nil || len(v.Load.Series) != 2 || v.Load.Series[0].State != "running" || v.Load.Series[1].State != "runnable" {
		t.Fatalf("load band: %+v", v.Load)
	}
	c := plots.Sched(v)
	if _, err := c.PNG(); err != nil {
		t.Fatalf("PNG: %v", err)
	}
	if !strings.Contains(c.String(), "most runnable at once") {
		t.Errorf("chart summary lacks the trace summary:\n%s", c)
	}
}

func TestViewFolds(t *testing.T) {
	tr := readKnown(t)
	n := len(tr.Goroutines)
	tests := []struct {
		maxLanes, lanes, folded int
	}{
		{n, n, 0},
		{n + 5, n, 0},
		{n - 1, n - 2, 2},
		{3, 2, n - 2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.maxLanes), func(t *testing.T) {
			v := View(tr, Options{MaxLanes: tt.maxLanes})
			if len(v.Goroutines) != tt.lanes {
				t.Fatalf("%d lanes, want %d", len(v.Goroutines), tt.lanes)
			}
			if tt.folded == 0 {
				if v.Folded != nil {
					t.Fatalf("folded lane %q with nothing to fold", v.Folded.Name)
				}
				return
			}
			if v.Folded == nil || !strings.HasPrefix(v.Folded.Name, fmt.Sprintf("%d more (g", tt.folded)) {
				t.Fatalf("folded lane %+v, want %d more", v.Folded, tt.folded)
			}
			// At no moment are more goroutines in the folded lane than it holds.
			for _, at := range []time.Duration{0, tr.Span / 4, tr.Span / 2, tr.Span - 1} {
				total := 0
				for _, s := range v.Folded.Series {
					total += countAt(s, at)
				}
				if total > tt.folded {
					t.Errorf("at %v the folded lane counts %d of %d goroutines", at, total, tt.folded)
				}
			}
		})
	}
}

// countAt is a series' count at a moment.
func countAt(s plots.StateSeries, at time.Duration) int {
	n := 0
	for _, st := range s.Steps {
		if st.At > at {
			break
		}
		n = st.N
	}
	return n
}

func TestSeries(t *testing.T) {
	ms := time.Millisecond
	g := func(ivs ...schedtrace.Interval) *schedtrace.Goroutine { return &schedtrace.Goroutine{Intervals: ivs} }
	tests := []struct {
		name string
		gs   []*schedtrace.Goroutine
		want []plots.StateSeries
	}{
		{"none", nil, nil},
		{"one goroutine", []*schedtrace.Goroutine{g(schedtrace.Interval{Start: 0, End: ms, State: schedtrace.Runnable}, schedtrace.Interval{Start: ms, End: 3 * ms, State: schedtrace.Running})},
			[]plots.StateSeries{
				{State: "running", Steps: []plots.Step{{At: 0, N: 0}, {At: ms, N: 1}, {At: 3 * ms, N: 0}}},
				{State: "runnable", Steps: []plots.Step{{At: 0, N: 1}, {At: ms, N: 0}}},
			}},
		{"handoff at one moment makes no step", []*schedtrace.Goroutine{
			g(schedtrace.Interval{Start: 0, End: 2 * ms, State: schedtrace.Running}),
			g(schedtrace.Interval{Start: 2 * ms, End: 4 * ms, State: schedtrace.Running}),
		}, []plots.StateSeries{
			{State: "running", Steps: []plots.Step{{At: 0, N: 1}, {At: 4 * ms, N: 0}}},
		}},
		{"overlap", []*schedtrace.Goroutine{
			g(schedtrace.Interval{Start: 0, End: 3 * ms, State: schedtrace.Running}),
			g(schedtrace.Interval{Start: ms, End: 2 * ms, State: schedtrace.Running}),
		}, []plots.StateSeries{
			{State: "running", Steps: []plots.Step{{At: 0, N: 1}, {At: ms, N: 2}, {At: 2 * ms, N: 1}, {At: 3 * ms, N: 0}}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := series(tt.gs, []schedtrace.State{schedtrace.Running, schedtrace.Runnable})
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("series =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// TestViewOfManyGoroutines checks that a large trace stays readable: a
// thousand goroutines of a thousand short states each draw as the lane
// budget and one folded lane, with the short states merged.
func TestViewOfManyGoroutines(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a large picture")
	}
	const goroutines, states = 1000, 1000
	tr := &schedtrace.Trace{Span: states * time.Microsecond, GOMAXPROCS: 2}
	for i := range goroutines {
		g := &schedtrace.Goroutine{ID: int64(i + 1), Created: true, Start: schedtrace.Frame{Func: "main.work"}}
		for k := range states {
			st := []schedtrace.State{schedtrace.Running, schedtrace.Runnable, schedtrace.Chan, schedtrace.Sync}[(i+k)%4]
			g.Intervals = append(g.Intervals, schedtrace.Interval{Start: time.Duration(k) * time.Microsecond, End: time.Duration(k+1) * time.Microsecond, State: st})
		}
		tr.Goroutines = append(tr.Goroutines, g)
	}
	v := View(tr, Options{})
	if len(v.Goroutines) != DefaultMaxLanes-1 || v.Folded == nil || !strings.HasPrefix(v.Folded.Name, "985 more") {
		t.Fatalf("%d lanes, folded %+v", len(v.Goroutines), v.Folded)
	}
	c := plots.Sched(v)
	if _, err := c.PNG(); err != nil {
		t.Fatal(err)
	}
	if s := c.String(); !strings.Contains(s, "shorter than one pixel") || !strings.Contains(s, "most runnable at once: 250") {
		t.Errorf("summary:\n%s", s)
	}
}

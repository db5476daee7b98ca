package demos_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/conclab/conclab/demos"
)

func TestRows(t *testing.T) {
	thread := func(tid int, name string, run time.Duration) demos.Thread {
		return demos.Thread{TID: tid, Name: name, Samples: []demos.Sample{{Start: 0, End: 10 * ms, Running: run}}}
	}
	lanes := func(tasks []demos.Task) []string {
		var out []string
		for _, t := range tasks {
			out = append(out, t.Lane)
		}
		return out
	}
	tests := []struct {
		name  string
		tasks []demos.Task
		want  []string
	}{
		{"goroutines stay", []demos.Task{{Lane: "g0"}, {Lane: "g1"}}, []string{"g0", "g1"}},
		{"one busy thread keeps the process's lane",
			[]demos.Task{{Lane: "pid 7", PID: 7, Threads: []demos.Thread{thread(7, "cell", 9*ms), thread(8, "cell", ms/10)}}},
			[]string{"pid 7"}},
		{"CPython's two counting threads and its main thread",
			[]demos.Task{{Lane: "pid 7", PID: 7, Threads: []demos.Thread{
				thread(7, "python3", ms), thread(8, "python3", 4*ms), thread(9, "python3", 5*ms), thread(10, "python3", ms/100)}}},
			[]string{"pid 7 · tid 7", "pid 7 · tid 8", "pid 7 · tid 9"}},
		{"a thread's own name shows when it differs",
			[]demos.Task{{Lane: "pid 7", PID: 7, Threads: []demos.Thread{thread(7, "java", 5*ms), thread(8, "GC worker", 5*ms)}}},
			[]string{"pid 7 · tid 7", "pid 7 · tid 8 GC worker"}},
		{"a pool's process keeps its lanes from job to job",
			// Its first job spread over two threads, its second ran on one:
			// both jobs get the same two lanes.
			[]demos.Task{
				{ID: 0, Lane: "pid 7", PID: 7, Threads: []demos.Thread{thread(7, "x", 5*ms), thread(8, "x", 5*ms)}},
				{ID: 1, Lane: "pid 7", PID: 7, Threads: []demos.Thread{thread(7, "x", 9*ms)}},
			},
			[]string{"pid 7 · tid 7", "pid 7 · tid 8", "pid 7 · tid 7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &demos.Recording{Tasks: tt.tasks}
			if got := lanes(rec.Rows()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("lanes %q, want %q", got, tt.want)
			}
		})
	}
}

// A row of a thread has that thread's samples only: its blocked time is
// the thread's, not hidden by the other threads' running.
func TestRowsFigures(t *testing.T) {
	half := []demos.Sample{{Start: 0, End: 10 * ms, Running: 5 * ms}}
	rec := &demos.Recording{Kind: demos.KindCommands, Wall: 10 * ms, Tasks: []demos.Task{{Lane: "pid 7", PID: 7, End: 10 * ms,
		Threads: []demos.Thread{{TID: 8, Samples: half}, {TID: 9, Samples: half}}}}}
	f := rec.Figures()
	if len(f.Lanes) != 2 {
		t.Fatalf("%d lanes, want a lane per thread", len(f.Lanes))
	}
	for _, l := range f.Lanes {
		if l.Time.Running() != 5*ms || l.Time.Blocked() != 5*ms {
			t.Errorf("%s: %v, want running 5ms and blocked 5ms", l.Lane, l.Time)
		}
	}
}

// A process's blocked time is what its lane draws: the intervals in which
// none of its threads ran or waited, not its duration less the CPU time
// its threads used at once elsewhere.
func TestProcessBlockedIsWhatTheLaneShows(t *testing.T) {
	task := demos.Task{Lane: "pid 7", PID: 7, End: 20 * ms, Threads: []demos.Thread{
		{TID: 7, Samples: []demos.Sample{{Start: 0, End: 10 * ms, Running: 10 * ms}, {Start: 10 * ms, End: 20 * ms}}},
		{TID: 8, Samples: []demos.Sample{{Start: 0, End: 10 * ms, Running: ms / 2}, {Start: 10 * ms, End: 20 * ms}}},
	}}
	st := task.StateTimes()
	if st.Running() != 10*ms+ms/2 || st.Blocked() != 10*ms {
		t.Errorf("%v, want running 10.5ms (CPU time of both threads) and blocked 10ms (the second interval)", st)
	}
	lane := task.Samples()
	if len(lane) != 2 || lane[0].Running != 10*ms || lane[1].Blocked() != 10*ms {
		t.Errorf("lane samples %+v", lane)
	}
}

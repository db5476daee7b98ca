package demos_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/trace"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/conclab/conclab/demos"
	"github.com/conclab/conclab/demos/workload"
)

// The tests in this file check that recordings say what really ran, on the
// machine's real cores: the properties a reader relies on when reading a
// timeline. They hold on a busy machine too (go test runs packages side by
// side): other programs competing for the cores can only turn running into
// waiting, never make more run at once, and the tests check what such
// competition cannot change.

// overlap is how long more than limit of the given spans were at the same
// moment, summed over the run.
func overlap(spans []demos.Span, limit int) time.Duration {
	type edge struct {
		at    time.Duration
		delta int
	}
	var edges []edge
	for _, s := range spans {
		edges = append(edges, edge{s.Start, 1}, edge{s.End, -1})
	}
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].at != edges[j].at {
			return edges[i].at < edges[j].at
		}
		return edges[i].delta < edges[j].delta
	})
	var over time.Duration
	n := 0
	for i, e := range edges {
		if n > limit && i > 0 {
			over += e.at - edges[i-1].at
		}
		n += e.delta
	}
	return over
}

// running lists the running spans of the tasks' goroutines, each tagged by
// its lane in the returned map.
func running(rec *demos.Recording) ([]demos.Span, map[demos.Span]string) {
	var out []demos.Span
	lane := map[demos.Span]string{}
	for _, t := range rec.Tasks {
		for _, g := range t.Goroutines {
			for _, s := range g.States {
				if s.State == demos.StateRunning {
					out = append(out, s)
					lane[s] = t.Lane
				}
			}
		}
	}
	return out, lane
}

// withGOMAXPROCS runs f with GOMAXPROCS set to n.
func withGOMAXPROCS(n int, f func()) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(n))
	f()
}

// traceResolution is what the property tests allow for the trace's clock
// and for time the runtime spends between two goroutines on one P.
const traceResolution = time.Millisecond

func TestTruthFourCPUBoundGoroutinesOnTwoPs(t *testing.T) {
	var rec *demos.Recording
	withGOMAXPROCS(2, func() {
		rec = demos.Goroutines(4, func(t *demos.T) {
			t.Phase("cpu")
			workload.WorkFor(30 * time.Millisecond)
		})
	})
	if rec.StateSource == "" {
		t.Fatalf("no states recorded: %v", rec.Notes)
	}
	spans, _ := running(rec)
	if over := overlap(spans, 2); over > traceResolution {
		t.Errorf("more than 2 goroutines running at once for %v with GOMAXPROCS=2", over)
	}
	f := rec.Figures()
	if f.PeakRunning > 2 || f.Cores != 2 {
		t.Errorf("peak running %v of %d cores", f.PeakRunning, f.Cores)
	}
	// Four goroutines on two Ps must wait their turns, and say so.
	for _, l := range f.Lanes {
		if l.Time.Runnable() <= 0 {
			t.Errorf("%s never waited for a P: %v", l.Lane, l.Time)
		}
	}
}

func TestTruthGOMAXPROCS1TakesTurns(t *testing.T) {
	var rec *demos.Recording
	withGOMAXPROCS(1, func() {
		rec = demos.Goroutines(2, func(t *demos.T) {
			t.Phase("cpu")
			workload.WorkFor(60 * time.Millisecond)
		})
	})
	spans, lane := running(rec)
	if over := overlap(spans, 1); over > 0 {
		t.Errorf("two goroutines running at once for %v with GOMAXPROCS=1", over)
	}
	// The scheduler preempts a goroutine that ran 10 ms: the lanes' running
	// stretches alternate, several times over 120 ms of work.
	slices.SortFunc(spans, func(a, b demos.Span) int { return int(a.Start - b.Start) })
	turns := 0
	for i := 1; i < len(spans); i++ {
		if lane[spans[i]] != lane[spans[i-1]] && spans[i].End-spans[i].Start > traceResolution {
			turns++
		}
	}
	if turns < 3 {
		t.Errorf("%d turns between the two goroutines, want several: %v", turns, spans)
	}
	if f := rec.Figures(); f.PeakRunning != 1 {
		t.Errorf("peak running %v with GOMAXPROCS=1", f.PeakRunning)
	}
}

// holding lists the stretches where a task's goroutine ran while its task
// said it held the lock.
func holding(task demos.Task) []demos.Span {
	var out []demos.Span
	for _, p := range task.Phases {
		if p.Name != "hold lock" {
			continue
		}
		for _, s := range task.States() {
			lo, hi := max(s.Start, p.Start), min(s.End, p.End)
			if s.State == demos.StateRunning && hi > lo {
				out = append(out, demos.Span{Start: lo, End: hi, State: s.State})
			}
		}
	}
	return out
}

func TestTruthMutexAsGILTakesTurns(t *testing.T) {
	var gil sync.Mutex
	var rec *demos.Recording
	withGOMAXPROCS(2, func() {
		rec = demos.Goroutines(2, func(t *demos.T) {
			for range 10 {
				t.Phase("wait lock")
				gil.Lock()
				t.Phase("hold lock")
				workload.WorkFor(2 * time.Millisecond)
				t.EndPhase()
				gil.Unlock()
			}
		})
	})
	var spans []demos.Span
	var held, busy time.Duration
	for _, task := range rec.Tasks {
		spans = append(spans, holding(task)...)
		for _, p := range task.Phases {
			if p.Name != "hold lock" {
				continue
			}
			held += p.End - p.Start
			for _, s := range task.States() {
				if lo, hi := max(s.Start, p.Start), min(s.End, p.End); hi > lo && !s.State.Blocked() {
					busy += hi - lo
				}
			}
		}
	}
	// The phase is stamped just inside Lock and Unlock, so the holders'
	// running never overlaps beyond the trace's resolution.
	if over := overlap(spans, 1); over > 100*time.Microsecond {
		t.Errorf("both goroutines ran while holding the lock for %v", over)
	}
	// A holder only computes: it runs, or waits for a core, but never
	// blocks while it holds the lock.
	if busy < held*95/100 {
		t.Errorf("the holders ran or waited to run %v of the %v they held the lock", busy, held)
	}
	f := rec.Figures()
	if f.Time[demos.StateSync] <= 0 {
		t.Errorf("no time blocked on the lock: %v", f.Time)
	}
}

// A goroutine a task starts itself belongs to the task: its states are in
// the task's recording, and the lane shows it running while its parent
// waits.
func TestTruthGoroutinesATaskStarts(t *testing.T) {
	rec := demos.Goroutines(1, func(t *demos.T) {
		var wg sync.WaitGroup
		wg.Go(func() { workload.WorkFor(10 * time.Millisecond) })
		wg.Wait()
	})
	task := rec.Tasks[0]
	if len(task.Goroutines) != 2 {
		t.Fatalf("%d goroutines in the task, want its own and the one it started", len(task.Goroutines))
	}
	if st := task.StateTimes(); st.Running() < 5*time.Millisecond {
		t.Errorf("the task's goroutines ran %v, want about 10ms", st.Running())
	}
	// The lane merges the task's goroutines: the child's running is in
	// it, in one span or, when other programs take the cores, several.
	var running time.Duration
	lane := task.States()
	for _, s := range lane {
		if s.State == demos.StateRunning {
			running += s.End - s.Start
		}
	}
	if running < 5*time.Millisecond {
		t.Errorf("the lane shows %v of running, not the child's 10ms: %v", running, lane)
	}
}

// Pool workers run task after task: each task holds the worker's states
// during that task only.
func TestTruthPoolTasksKeepTheirWindows(t *testing.T) {
	rec, err := demos.ForEach(context.Background(), 2, 6, func(t *demos.T, i int) error {
		workload.WorkFor(2 * time.Millisecond)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range rec.Tasks {
		if len(task.Goroutines) != 1 {
			t.Fatalf("task %d: %d goroutines", task.ID, len(task.Goroutines))
		}
		for _, s := range task.Goroutines[0].States {
			if s.Start < task.Start || s.End > task.End {
				t.Errorf("task %d (%v–%v) holds a state outside it: %+v", task.ID, task.Start, task.End, s)
			}
		}
	}
}

// Recorder tasks are tied to the goroutine that started them, wherever it
// came from.
func TestTruthRecorder(t *testing.T) {
	r := demos.NewRecorder(context.Background(), "mine")
	var wg sync.WaitGroup
	wg.Go(func() {
		task := r.Start("own goroutine")
		workload.WorkFor(3 * time.Millisecond)
		task.End()
	})
	r.Go("recorder's goroutine", func(t *demos.T) { time.Sleep(3 * time.Millisecond) })
	wg.Wait()
	r.Wait()
	rec := r.Recording()
	for _, task := range rec.Tasks {
		st := task.StateTimes()
		switch task.Lane {
		case "own goroutine":
			if st.Running() < time.Millisecond {
				t.Errorf("%s: %v", task.Lane, st)
			}
		default:
			if st[demos.StateSleep] < time.Millisecond {
				t.Errorf("%s: %v", task.Lane, st)
			}
		}
	}
	if rec.StateSource == "" {
		t.Errorf("no states: %v", rec.Notes)
	}
}

// A task started with Recorder.Go begins with its go statement: the wait
// for its first turn is in it.
func TestTruthRecorderGoIncludesTheFirstWait(t *testing.T) {
	var rec *demos.Recording
	withGOMAXPROCS(1, func() {
		r := demos.NewRecorder(context.Background(), "turns")
		for _, lane := range []string{"a", "b"} {
			r.Go(lane, func(t *demos.T) { workload.WorkFor(5 * time.Millisecond) })
		}
		r.Wait()
		rec = r.Recording()
	})
	waited := false
	for _, task := range rec.Tasks {
		st := task.States()
		if len(st) == 0 || st[0].Start-task.Start > time.Millisecond {
			t.Fatalf("%s starts at %v, its states at %v", task.Lane, task.Start, st)
		}
		waited = waited || task.StateTimes().Runnable() > 2*time.Millisecond
	}
	if !waited {
		t.Error("with one P, neither task waited for its turn")
	}
}

// A program that traces itself (a %trace cell, go test -trace) still gets
// its runs' states: the runs use the flight recorder, which runs beside
// runtime/trace.Start.
func TestTruthUnderRuntimeTrace(t *testing.T) {
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		t.Skipf("this process already traces itself: %v", err)
	}
	rec := demos.Goroutines(2, func(t *demos.T) { workload.WorkFor(2 * time.Millisecond) })
	trace.Stop()
	if rec.StateSource == "" || !rec.Tasks[0].HasStates() {
		t.Errorf("no states while runtime/trace ran: %v", rec.Notes)
	}
	if buf.Len() == 0 {
		t.Error("the program's own trace was lost")
	}
}

// A run while another holds the tracer, and one after: the tracer is
// shared, and let go when the last run ends.
func TestTruthOverlappingRuns(t *testing.T) {
	r := demos.NewRecorder(context.Background(), "outer")
	r.Go("inner runs", func(t *demos.T) {
		inner := demos.Goroutines(2, func(t *demos.T) { time.Sleep(time.Millisecond) })
		if !inner.Tasks[1].HasStates() {
			t.Fail(fmt.Errorf("inner run without states: %v", inner.Notes))
		}
	})
	r.Wait()
	rec := r.Recording()
	if len(rec.Failed()) > 0 || !rec.Tasks[0].HasStates() {
		t.Errorf("outer recording: %v", rec)
	}
	after := demos.Serial(1, func(t *demos.T) {})
	if !after.Tasks[0].HasStates() {
		t.Errorf("a run after the others ended has no states: %v", after.Notes)
	}
}

// Goroutines that only allocate wait for the garbage collector now and
// then (a collection another goroutine started); the runtime waits on a
// semaphore the trace calls "sync", but no lock of the program is
// involved, and the recording must not say so.
func TestTruthWaitingForTheGCIsNotALock(t *testing.T) {
	var sink [4][][]byte
	rec := demos.Goroutines(4, func(t *demos.T) {
		for i := range 20_000 {
			sink[t.ID()] = append(sink[t.ID()][:i%64], make([]byte, 4096))
		}
	})
	f := rec.Figures()
	if d := f.Time[demos.StateSync]; d > 0 {
		t.Errorf("goroutines without locks blocked %v on sync; GC %v", d, f.Time[demos.StateGC])
	}
}

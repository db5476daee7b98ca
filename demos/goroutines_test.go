package demos_test

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/conclab/conclab/demos"
)

// barrier makes n callers wait for each other; it reports false if they
// were not all there before a generous deadline (which only a runner that
// does not run them at once would hit).
func barrier(n int) func() bool {
	var arrived atomic.Int64
	return func() bool {
		arrived.Add(1)
		deadline := time.Now().Add(10 * time.Second)
		for arrived.Load() < int64(n) {
			if time.Now().After(deadline) {
				return false
			}
			runtime.Gosched()
		}
		return true
	}
}

func TestGoroutinesRunAtOnce(t *testing.T) {
	defer checkGoroutines(t)()
	const n = 8
	wait := barrier(n)
	var missed atomic.Int64
	rec := demos.Goroutines(n, func(t *demos.T) {
		if !wait() {
			missed.Add(1)
		}
		t.SetResult(t.ID() * 10)
	})
	if missed.Load() > 0 {
		t.Fatalf("%d goroutines never saw all %d running at once", missed.Load(), n)
	}
	if rec.Kind != demos.KindGoroutines || rec.Workers != n || len(rec.Tasks) != n {
		t.Fatalf("kind %q workers %d tasks %d", rec.Kind, rec.Workers, len(rec.Tasks))
	}
	for i, task := range rec.Tasks {
		if task.ID != i || task.Lane != fmt.Sprintf("g%d", i) || task.Result != fmt.Sprint(i*10) {
			t.Errorf("task %d: %+v", i, task)
		}
		if task.Start < 0 || task.End < task.Start || task.End > rec.Wall {
			t.Errorf("task %d times %v..%v outside wall %v", i, task.Start, task.End, rec.Wall)
		}
	}
	if rec.GOMAXPROCS != runtime.GOMAXPROCS(0) || rec.NumCPU != runtime.NumCPU() || rec.GoVersion != runtime.Version() {
		t.Errorf("machine figures %d %d %q", rec.GOMAXPROCS, rec.NumCPU, rec.GoVersion)
	}
	if rec.Started.IsZero() {
		t.Error("no start time")
	}
}

func TestConcurrentRunsEachFunction(t *testing.T) {
	rec := demos.Concurrent(
		func(t *demos.T) { t.SetResult("a") },
		func(t *demos.T) { t.Fail(errors.New("b failed")) },
		func(t *demos.T) { panic("c panicked") },
	)
	got := []string{rec.Tasks[0].Result, rec.Tasks[1].Err, rec.Tasks[2].Err}
	want := []string{"a", "b failed", "panic: c panicked"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestGoroutinesZero(t *testing.T) {
	for _, n := range []int{0, -3} {
		if rec := demos.Goroutines(n, func(*demos.T) {}); len(rec.Tasks) != 0 {
			t.Errorf("Goroutines(%d): %d tasks", n, len(rec.Tasks))
		}
	}
}

func TestSerialRunsOneAfterAnother(t *testing.T) {
	rec := demos.Serial(5, func(t *demos.T) {
		t.Phase("cpu")
		t.SetResult(t.ID())
	})
	if rec.Kind != demos.KindSerial || rec.Workers != 1 || len(rec.Tasks) != 5 {
		t.Fatalf("kind %q workers %d tasks %d", rec.Kind, rec.Workers, len(rec.Tasks))
	}
	for i, task := range rec.Tasks {
		if task.Lane != "main" || task.Result != fmt.Sprint(i) {
			t.Errorf("task %d: %+v", i, task)
		}
		if i > 0 && task.Start < rec.Tasks[i-1].End {
			t.Errorf("task %d starts at %v before task %d ends at %v", i, task.Start, i-1, rec.Tasks[i-1].End)
		}
	}
}

func TestPhasesAndMarks(t *testing.T) {
	var lane string
	rec := demos.Serial(1, func(t *demos.T) {
		lane = t.Lane()
		t.Mark("begin")
		t.Phase("wait lock")
		t.Phase("hold lock")
		t.Mark("inside")
		t.EndPhase()
		t.EndPhase() // nothing open: harmless
		t.Phase("io")
		t.Mark("last")
		if t.Context() == nil || t.Now() < 0 {
			panic("no context or clock")
		}
	})
	task := rec.Tasks[0]
	if task.Err != "" || lane != "main" {
		t.Fatalf("task failed: %v (lane %q)", task.Err, lane)
	}
	var names []string
	for _, p := range task.Phases {
		names = append(names, p.Name)
	}
	if want := []string{"wait lock", "hold lock", "io"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("phases %v, want %v", names, want)
	}
	ph, mk := task.Phases, task.Marks
	if ph[0].End != ph[1].Start {
		t.Errorf("a phase must start when the previous one ends: %v", ph)
	}
	if ph[2].End != task.End {
		t.Errorf("the open phase must end with the task: %v, task ends %v", ph[2], task.End)
	}
	if len(mk) != 3 || mk[0].At > ph[0].Start || mk[1].At < ph[1].Start || mk[1].At > ph[1].End || mk[2].At < ph[2].Start {
		t.Errorf("marks %v out of place among phases %v", mk, ph)
	}
	for _, p := range ph {
		if p.Start < task.Start || p.End > task.End || p.End < p.Start {
			t.Errorf("phase %v outside task %v..%v", p, task.Start, task.End)
		}
	}
}

func TestFailNilClears(t *testing.T) {
	rec := demos.Serial(1, func(t *demos.T) {
		t.Fail(errors.New("first"))
		t.Fail(nil)
	})
	if rec.Tasks[0].Err != "" {
		t.Errorf("Err = %q after Fail(nil)", rec.Tasks[0].Err)
	}
}

func TestLongResultsAreShortened(t *testing.T) {
	long := strings.Repeat("7", 5000)
	rec := demos.Serial(1, func(t *demos.T) { t.SetResult(long) })
	got := rec.Tasks[0].Result
	if len(got) > 250 || !strings.HasPrefix(got, "777") || !strings.HasSuffix(got, "(5000 characters)") {
		t.Errorf("result %q", got)
	}
	short := demos.Serial(1, func(t *demos.T) { t.SetResult(strings.Repeat("é", 100)) })
	if got := short.Tasks[0].Result; got != strings.Repeat("é", 100) {
		t.Errorf("a 200-byte result was changed: %q", got)
	}
	multi := demos.Serial(1, func(t *demos.T) { t.SetResult(strings.Repeat("é", 1000)) })
	if got := multi.Tasks[0].Result; !utf8.ValidString(got) || !strings.HasSuffix(got, "(1000 characters)") {
		t.Errorf("result %q", got)
	}
}

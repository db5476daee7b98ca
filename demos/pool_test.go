package demos_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/conclab/conclab/demos"
)

func TestMapResultsInJobOrder(t *testing.T) {
	defer checkGoroutines(t)()
	jobs := make([]int, 50)
	for i := range jobs {
		jobs[i] = i
	}
	got, rec, err := demos.Map(context.Background(), 4, jobs, func(t *demos.T, x int) (int, error) {
		t.Phase("cpu")
		return x * x, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range jobs {
		if got[i] != x*x {
			t.Errorf("result %d = %d, want %d", i, got[i], x*x)
		}
	}
	if rec.Kind != demos.KindPool || rec.Workers != 4 || len(rec.Tasks) != len(jobs) {
		t.Fatalf("kind %q workers %d tasks %d", rec.Kind, rec.Workers, len(rec.Tasks))
	}
	for i, task := range rec.Tasks {
		if task.ID != i || !strings.HasPrefix(task.Lane, "worker ") {
			t.Errorf("task %d: id %d lane %q", i, task.ID, task.Lane)
		}
	}
	if lanes := len(rec.Lanes()); lanes > 4 {
		t.Errorf("%d lanes for 4 workers", lanes)
	}
}

func TestMapIsBoundedAndParallel(t *testing.T) {
	defer checkGoroutines(t)()
	const workers = 3
	var inFlight, most atomic.Int64
	wait := barrier(workers)
	var missed atomic.Int64
	jobs := make([]int, 20)
	_, _, err := demos.Map(context.Background(), workers, jobs, func(t *demos.T, _ int) (struct{}, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		if t.ID() < workers && !wait() { // the first jobs meet: all workers run at once
			missed.Add(1)
		}
		return struct{}{}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if missed.Load() > 0 {
		t.Errorf("the first %d jobs never ran at once", workers)
	}
	if most.Load() > workers {
		t.Errorf("%d jobs ran at once with %d workers", most.Load(), workers)
	}
}

func TestMapCollectsErrors(t *testing.T) {
	defer checkGoroutines(t)()
	errOdd := errors.New("odd")
	got, rec, err := demos.Map(context.Background(), 2, []int{0, 1, 2, 3, 4}, func(t *demos.T, x int) (int, error) {
		switch {
		case x == 4:
			panic("four")
		case x%2 == 1:
			return -1, fmt.Errorf("job value %d: %w", x, errOdd)
		}
		return x, nil
	})
	if !errors.Is(err, errOdd) {
		t.Fatalf("error %v does not wrap errOdd", err)
	}
	for _, want := range []string{"job 1: job value 1: odd", "job 3: job value 3: odd", "job 4: panic: four"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if got[0] != 0 || got[2] != 2 || got[1] != -1 {
		t.Errorf("results %v", got)
	}
	if n := len(rec.Failed()); n != 3 {
		t.Errorf("%d failed tasks, want 3", n)
	}
}

func TestMapCanceled(t *testing.T) {
	defer checkGoroutines(t)()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var sawCancel atomic.Bool
	_, rec, err := demos.Map(ctx, 1, make([]int, 10), func(t *demos.T, _ int) (int, error) {
		if t.ID() == 2 {
			cancel()
			<-t.Context().Done() // running jobs see it
			sawCancel.Store(true)
		}
		return t.ID(), nil
	})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "7 of 10 jobs not run") {
		t.Errorf("error %v", err)
	}
	if len(rec.Tasks) != 3 || !sawCancel.Load() {
		t.Errorf("%d tasks ran (want 3), job saw cancel: %v", len(rec.Tasks), sawCancel.Load())
	}
	if len(rec.Notes) != 1 || !strings.Contains(rec.Notes[0], "canceled") {
		t.Errorf("notes %q", rec.Notes)
	}
}

func TestMapWorkerCounts(t *testing.T) {
	tests := []struct {
		workers, jobs, wantWorkers int
	}{
		{0, 5, 1}, {-2, 5, 1}, {10, 3, 3}, {2, 0, 1}, {2, 7, 2},
	}
	for _, tt := range tests {
		got, rec, err := demos.Map(context.Background(), tt.workers, make([]int, tt.jobs), func(t *demos.T, _ int) (int, error) {
			return 1, nil
		})
		if err != nil || len(got) != tt.jobs || rec.Workers != tt.wantWorkers || len(rec.Tasks) != tt.jobs {
			t.Errorf("Map(%d workers, %d jobs): %d results, %d workers, %d tasks, %v",
				tt.workers, tt.jobs, len(got), rec.Workers, len(rec.Tasks), err)
		}
	}
}

func TestForEach(t *testing.T) {
	defer checkGoroutines(t)()
	sums := make([]int, 10)
	rec, err := demos.ForEach(context.Background(), 3, len(sums), func(t *demos.T, i int) error {
		for k := 0; k <= i; k++ {
			sums[i] += k
		}
		if i == 7 {
			return errors.New("seven")
		}
		return nil
	})
	if err == nil || err.Error() != "job 7: seven" {
		t.Errorf("error %v", err)
	}
	for i, s := range sums {
		if s != i*(i+1)/2 {
			t.Errorf("sum to %d = %d", i, s)
		}
	}
	if len(rec.Tasks) != 10 || rec.Workers != 3 {
		t.Errorf("%d tasks, %d workers", len(rec.Tasks), rec.Workers)
	}
	if rec, err := demos.ForEach(context.Background(), 2, -1, func(*demos.T, int) error { return nil }); err != nil || len(rec.Tasks) != 0 {
		t.Errorf("ForEach over no jobs: %v, %d tasks", err, len(rec.Tasks))
	}
}

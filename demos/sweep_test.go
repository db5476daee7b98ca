package demos_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/conclab/conclab/demos"
)

// fakeRun makes recordings whose wall time shrinks with the workers as
// given by walls, counting the order of the calls.
func fakeRun(walls map[int]time.Duration, order *[]int) func(context.Context, int) (*demos.Recording, error) {
	return func(_ context.Context, w int) (*demos.Recording, error) {
		*order = append(*order, w)
		return &demos.Recording{Wall: walls[w]}, nil
	}
}

func TestRunSweep(t *testing.T) {
	var order []int
	walls := map[int]time.Duration{1: 400 * ms, 2: 200 * ms, 4: 125 * ms}
	s, err := demos.RunSweep(context.Background(), "squares", []int{1, 2, 4}, 2, fakeRun(walls, &order))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 2, 4, 1, 2, 4}; !reflect.DeepEqual(order, want) {
		t.Errorf("run order %v, want %v", order, want)
	}
	if got := s.Workers(); !reflect.DeepEqual(got, []int{1, 2, 4}) {
		t.Errorf("Workers = %v", got)
	}
	for _, r := range s.Runs {
		if r.Workers == 0 {
			t.Error("a run lacks its worker count")
		}
	}
	tests := []struct {
		workers int
		wall    time.Duration
		speedup float64
	}{{1, 400 * ms, 1}, {2, 200 * ms, 2}, {4, 125 * ms, 3.2}, {8, 0, 0}}
	for _, tt := range tests {
		if got := s.Wall(tt.workers); got != tt.wall {
			t.Errorf("Wall(%d) = %v, want %v", tt.workers, got, tt.wall)
		}
		if got := s.Speedup(tt.workers); got != tt.speedup {
			t.Errorf("Speedup(%d) = %v, want %v", tt.workers, got, tt.speedup)
		}
	}
}

func TestSweepMedian(t *testing.T) {
	s := &demos.Sweep{Runs: []*demos.Recording{
		{Workers: 1, Wall: 10 * ms}, {Workers: 1, Wall: 30 * ms}, {Workers: 1, Wall: 20 * ms}, {Workers: 1, Wall: 100 * ms},
	}}
	if got := s.Wall(1); got != 25*ms {
		t.Errorf("median of 10, 20, 30, 100ms = %v, want 25ms", got)
	}
	if got := (&demos.Sweep{}).Speedup(1); got != 0 {
		t.Errorf("empty sweep speedup %v", got)
	}
}

func TestRunSweepStops(t *testing.T) {
	boom := errors.New("boom")
	s, err := demos.RunSweep(context.Background(), "failing", []int{1, 2, 4}, 1, func(_ context.Context, w int) (*demos.Recording, error) {
		if w == 2 {
			return &demos.Recording{Wall: ms}, boom
		}
		return &demos.Recording{Wall: ms}, nil
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "2 workers") || len(s.Runs) != 2 {
		t.Errorf("error %v, %d runs", err, len(s.Runs))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var order []int
	if _, err := demos.RunSweep(ctx, "canceled", []int{1}, 1, fakeRun(nil, &order)); !errors.Is(err, context.Canceled) || len(order) != 0 {
		t.Errorf("canceled sweep: %v, ran %v", err, order)
	}
}

func TestSweepJSON(t *testing.T) {
	s := &demos.Sweep{Title: "t", Runs: []*demos.Recording{{Workers: 2, Wall: 5 * ms, Kind: demos.KindPool}}}
	var buf bytes.Buffer
	if err := s.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := demos.ReadSweepJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("round trip: %+v, want %+v", got, s)
	}
	got, err = demos.ReadSweepJSON(strings.NewReader(`{"runs":[null,{"workers":1}]}`))
	if err != nil || len(got.Runs) != 1 {
		t.Errorf("null runs: %v, %v", got, err)
	}
	if _, err := demos.ReadSweepJSON(strings.NewReader(`{"runs":1}`)); err == nil {
		t.Error("bad sweep JSON: no error")
	}
}

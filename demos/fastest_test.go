package demos

import (
	"strings"
	"testing"
	"time"
)

func TestFastest(t *testing.T) {
	walls := map[string][]time.Duration{
		"a": {30, 10, 20},
		"b": {5, 50, 7},
	}
	var order []string
	run := func(name string) func() *Recording {
		i := 0
		return func() *Recording {
			order = append(order, name)
			w := walls[name][i]
			i++
			return &Recording{Title: name, Wall: w}
		}
	}
	never := func() *Recording { order = append(order, "nil"); return nil }
	best := Fastest(3, run("a"), run("b"), never)
	if best[0].Wall != 10 || best[1].Wall != 5 || best[2] != nil {
		t.Errorf("fastest: %v, %v, %v; want 10, 5, nil", best[0].Wall, best[1].Wall, best[2])
	}
	want := "a b nil a b nil a b nil"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("runs in order %q, want turns %q", got, want)
	}
	if got := Fastest(0, run("a")); len(got) != 1 || got[0] == nil {
		t.Errorf("n = 0 ran nothing: %v", got)
	}
}

func TestSweepFastest(t *testing.T) {
	s := &Sweep{Title: "s", Runs: []*Recording{
		{Workers: 2, Wall: 40}, {Workers: 1, Wall: 90}, {Workers: 2, Wall: 30},
		{Workers: 4, Wall: 35}, {Workers: 1, Wall: 80}, {Workers: 4, Wall: 25},
	}}
	f := s.Fastest()
	if f.Title != "s" || len(f.Runs) != 3 {
		t.Fatalf("fastest sweep %+v", f)
	}
	for i, want := range []struct {
		workers int
		wall    time.Duration
	}{{1, 80}, {2, 30}, {4, 25}} {
		if r := f.Runs[i]; r.Workers != want.workers || r.Wall != want.wall {
			t.Errorf("run %d: %d workers in %v, want %d in %v", i, r.Workers, r.Wall, want.workers, want.wall)
		}
	}
	if len(s.Runs) != 6 {
		t.Error("Fastest changed the sweep it was called on")
	}
}

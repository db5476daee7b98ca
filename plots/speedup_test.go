package plots

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/conclab/conclab/demos"
)

// amdahlRuns makes exact runs of serial + parallel/n.
func amdahlRuns(serial, parallel time.Duration, counts ...int) []Run {
	var runs []Run
	for _, n := range counts {
		runs = append(runs, Run{Workers: n, Wall: serial + parallel/time.Duration(n)})
	}
	return runs
}

func TestFitAmdahl(t *testing.T) {
	tests := []struct {
		name         string
		runs         []Run
		serial, par  time.Duration
		fraction     float64
		wantErr      error
		limitIsFinal bool
	}{
		{name: "recovers exact parts", runs: amdahlRuns(2*ms, 38*ms, 1, 2, 4, 8), serial: 2 * ms, par: 38 * ms, fraction: 0.95},
		{name: "all parallel", runs: amdahlRuns(0, 40*ms, 1, 2, 4), serial: 0, par: 40 * ms, fraction: 1},
		{name: "no count twice needed", runs: amdahlRuns(5*ms, 5*ms, 1, 3), serial: 5 * ms, par: 5 * ms, fraction: 0.5},
		{
			name: "slower with more workers clamps to serial",
			runs: []Run{{1, 10 * ms}, {2, 11 * ms}, {4, 12 * ms}},
			// A negative parallel part is not physical: all of it is serial.
			serial: 11 * ms, par: 0, fraction: 0,
		},
		{
			name: "superlinear clamps serial to zero",
			runs: []Run{{1, 10 * ms}, {2, 4 * ms}, {4, 1 * ms}},
			// Least squares through the origin on 1/n:
			// (10+2+0.25)/(1+0.25+0.0625) ms = 9.33 ms.
			serial: 0, par: 9333333, fraction: 1, // 9.33 ms
		},
		{name: "one count", runs: amdahlRuns(ms, ms, 4, 4), wantErr: ErrTooFewRuns},
		{name: "unusable runs ignored", runs: []Run{{0, ms}, {2, 0}, {-1, ms}, {1, ms}}, wantErr: ErrTooFewRuns},
		{name: "none", wantErr: ErrTooFewRuns},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fit, err := FitAmdahl(tt.runs)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if d := fit.Serial - tt.serial; d < -time.Microsecond || d > time.Microsecond {
				t.Errorf("Serial = %v, want %v", fit.Serial, tt.serial)
			}
			if d := fit.Parallel - tt.par; d < -time.Microsecond || d > time.Microsecond {
				t.Errorf("Parallel = %v, want %v", fit.Parallel, tt.par)
			}
			if math.Abs(fit.Fraction()-tt.fraction) > 1e-6 {
				t.Errorf("Fraction = %v, want %v", fit.Fraction(), tt.fraction)
			}
		})
	}
}

func TestAmdahlLaw(t *testing.T) {
	a := Amdahl{Serial: 10 * ms, Parallel: 90 * ms}
	tests := []struct{ n, speedup float64 }{{1, 1}, {2, 100.0 / 55}, {10, 100.0 / 19}, {0, 0}}
	for _, tt := range tests {
		if got := a.Speedup(tt.n); math.Abs(got-tt.speedup) > 1e-9 {
			t.Errorf("Speedup(%v) = %v, want %v", tt.n, got, tt.speedup)
		}
	}
	if got := a.Limit(); math.Abs(got-10) > 1e-9 {
		t.Errorf("Limit = %v, want 10", got)
	}
	if got := a.Wall(3); got != 40*ms {
		t.Errorf("Wall(3) = %v, want 40ms", got)
	}
	if !math.IsInf((Amdahl{Parallel: ms}).Limit(), 1) {
		t.Error("no serial part should have no limit")
	}
	if (Amdahl{}).Fraction() != 0 {
		t.Error("an empty fit has no parallel fraction")
	}
}

func TestSpeedupChart(t *testing.T) {
	twoCores := Sweep{Title: "pool", NumCPU: 2}
	for _, n := range []int{1, 2, 4, 8} {
		for r := range 3 {
			wall := 2*ms + 38*ms/time.Duration(min(n, 2)) + time.Duration(r)*100*time.Microsecond
			twoCores.Runs = append(twoCores.Runs, Run{n, wall})
		}
	}
	tests := []struct {
		name    string
		sweep   Sweep
		texts   []string // in the picture
		summary []string
		dots    int // measured medians drawn
	}{
		{
			name:  "two cores, repeats",
			sweep: twoCores,
			texts: []string{"pool", "cores: 2", "ideal: n×", "measured", "each run", "Amdahl fit: 95% parallel", "1", "2", "4", "8"},
			summary: []string{
				"speedup against the 1-worker run: 40.1 ms",
				"8        3     21.1 ms      1.9×     24%",
				"the fit uses the runs with at most 2 workers",
				"the machine has 2 CPUs",
			},
			dots: 4,
		},
		{
			name:    "log axes for 1 to 64",
			sweep:   Sweep{Title: "wide", Runs: amdahlRuns(ms, 99*ms, 1, 2, 4, 8, 16, 32, 64)},
			texts:   []string{"1", "2", "4", "8", "16", "32", "64", "Amdahl fit: 99% parallel"},
			summary: []string{"Amdahl fit: wall(n) = 1 ms + 99 ms/n, so 99% of the work runs in parallel; even with unlimited cores the speedup stays below 100×"},
			dots:    7,
		},
		{
			name:    "no 1-worker run",
			sweep:   Sweep{Title: "no base", Runs: amdahlRuns(ms, 8*ms, 2, 4)},
			summary: []string{"1-worker time estimated by the fit", "speedup against", "9 ms"},
			dots:    2,
		},
		{
			name:    "one worker count",
			sweep:   Sweep{Title: "single", Runs: amdahlRuns(ms, ms, 4)},
			texts:   []string{"single"},
			summary: []string{"no speedup to show"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Speedup(tt.sweep)
			pic := svgOf(t, c)
			for _, want := range tt.texts {
				if pic.countText(want) == 0 {
					t.Errorf("picture lacks %q; texts: %q", want, pic.texts)
				}
			}
			s := c.String()
			for _, want := range tt.summary {
				if !strings.Contains(s, want) {
					t.Errorf("summary lacks %q:\n%s", want, s)
				}
			}
			// Medians are filled circles in the measured color, one per
			// worker count, plus the legend's.
			dots := 0
			for _, f := range pic.fillsOf("#0072B2") {
				if f.maxX-f.minX < 6 && f.maxY-f.minY < 6 {
					dots++
				}
			}
			if want := tt.dots + min(tt.dots, 1); dots != want {
				t.Errorf("%d median dots, want %d", dots, want)
			}
		})
	}
}

func TestSweepOf(t *testing.T) {
	recs := []*demos.Recording{
		{Workers: 4, Wall: 10 * ms, NumCPU: 0},
		{Wall: 20 * ms, NumCPU: 8, Tasks: []demos.Task{{Lane: "a"}, {Lane: "b"}, {Lane: "a"}}},
		nil,
	}
	s := SweepOf("t", recs...)
	want := []Run{{4, 10 * ms}, {2, 20 * ms}}
	if s.Title != "t" || s.NumCPU != 8 || len(s.Runs) != 2 || s.Runs[0] != want[0] || s.Runs[1] != want[1] {
		t.Errorf("SweepOf = %+v, want runs %v and NumCPU 8", s, want)
	}
	ds := &demos.Sweep{Title: "demo", Runs: []*demos.Recording{{Workers: 1, Wall: 4 * ms}, {Workers: 2, Wall: 2 * ms}}}
	if s := SpeedupOf(ds).String(); !strings.Contains(s, "best 2× at 2 workers") {
		t.Errorf("SpeedupOf summary:\n%s", s)
	}
	if s := SpeedupOf(nil).String(); !strings.Contains(s, "no speedup to show") {
		t.Errorf("SpeedupOf(nil) summary:\n%s", s)
	}
}

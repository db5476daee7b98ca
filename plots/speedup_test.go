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
		// Computing all the time: the CPU time is the work, however shared.
		runs = append(runs, Run{Workers: n, Wall: serial + parallel/time.Duration(n), CPU: serial + parallel})
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
			runs: []Run{{1, 10 * ms, 0}, {2, 11 * ms, 0}, {4, 12 * ms, 0}},
			// A negative parallel part is not physical: all of it is serial.
			serial: 11 * ms, par: 0, fraction: 0,
		},
		{
			name: "superlinear clamps serial to zero",
			runs: []Run{{1, 10 * ms, 0}, {2, 4 * ms, 0}, {4, 1 * ms, 0}},
			// Least squares through the origin on 1/n:
			// (10+2+0.25)/(1+0.25+0.0625) ms = 9.33 ms.
			serial: 0, par: 9333333, fraction: 1, // 9.33 ms
		},
		{name: "one count", runs: amdahlRuns(ms, ms, 4, 4), wantErr: ErrTooFewRuns},
		{name: "unusable runs ignored", runs: []Run{{0, ms, 0}, {2, 0, 0}, {-1, ms, 0}, {1, ms, 0}}, wantErr: ErrTooFewRuns},
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
			twoCores.Runs = append(twoCores.Runs, Run{n, wall, 40 * ms})
		}
	}
	eightCores := Sweep{Title: "eight", NumCPU: 8}
	for _, n := range []int{1, 2, 4, 8, 16} {
		for r := range 2 {
			// 5% serial, with a little noise that differs by worker count.
			wall := 5*ms + 95*ms/time.Duration(min(n, 8)) + time.Duration((n*7+r*3)%5)*time.Millisecond
			eightCores.Runs = append(eightCores.Runs, Run{n, wall, 100 * ms})
		}
	}
	downloads := Sweep{Title: "downloads", NumCPU: 2}
	for _, n := range []int{1, 2, 4, 8, 16} {
		// 16 pages of 50 ms each: waiting, with 1 ms of CPU per page.
		downloads.Runs = append(downloads.Runs, Run{n, 800 * ms / time.Duration(n), 16 * ms})
	}
	tests := []struct {
		name    string
		sweep   Sweep
		texts   []string // in the picture
		absent  []string // not in the picture
		summary []string
		dots    int // measured medians drawn
	}{
		{
			// On two cores only 1 and 2 workers are within the cores: two
			// points, through which every Amdahl curve passes.
			name:   "two cores, repeats: no fit",
			sweep:  twoCores,
			texts:  []string{"pool", "cores: 2", "ideal: n×", "measured", "each run", "1", "2", "4", "8"},
			absent: []string{"Amdahl"},
			summary: []string{
				"speedup against the 1-worker run: 40.1 ms",
				"8        3     21.1 ms      1.9×     24%",
				"no Amdahl fit: a fit needs runs with 3 different worker counts within the cores: with fewer, every curve fits (this machine has 2)",
				"the machine has 2 CPUs",
			},
			dots: 4,
		},
		{
			name:  "eight cores: a fit within them, with its range",
			sweep: eightCores,
			texts: []string{"cores: 8", "Amdahl fit: 92% (92–93%) parallel"},
			summary: []string{
				"Amdahl: 92% (92–93%) parallel",
				"so 92% of the work runs in parallel (92% to 93% when any one worker count is left out)",
				"no number of cores would take this work past 12.4× to 14.8×",
				"the fit uses the runs with at most 8 workers",
			},
			dots: 5,
		},
		{
			name:   "I/O-bound: no fit, no cores line",
			sweep:  downloads,
			texts:  []string{"downloads", "ideal: n×", "measured"},
			absent: []string{"cores", "Amdahl"},
			summary: []string{
				"no Amdahl fit: the workers mostly wait",
				"more workers than cores can still help",
				"16       1     50 ms        16×      100%",
			},
			dots: 5,
		},
		{
			name:    "no CPU time: no fit",
			sweep:   Sweep{Title: "bare", NumCPU: 2, Runs: []Run{{Workers: 1, Wall: 40 * ms}, {Workers: 2, Wall: 20 * ms}, {Workers: 4, Wall: 20 * ms}}},
			texts:   []string{"cores: 2"},
			absent:  []string{"Amdahl"},
			summary: []string{"no Amdahl fit: the runs carry no CPU time"},
			dots:    3,
		},
		{
			name:    "log axes for 1 to 64",
			sweep:   Sweep{Title: "wide", Runs: amdahlRuns(ms, 99*ms, 1, 2, 4, 8, 16, 32, 64)},
			texts:   []string{"1", "2", "4", "8", "16", "32", "64", "Amdahl fit: 99% parallel"},
			summary: []string{"Amdahl fit: wall(n) = 1 ms + 99 ms/n, so 99% of the work runs in parallel", "no number of cores would take this work past 100×"},
			dots:    7,
		},
		{
			name:    "no 1-worker run",
			sweep:   Sweep{Title: "no base", Runs: amdahlRuns(ms, 8*ms, 2, 4, 8)},
			summary: []string{"1-worker time estimated by the fit", "speedup against", "9 ms"},
			dots:    3,
		},
		{
			name:    "no 1-worker run, too few counts to fit",
			sweep:   Sweep{Title: "no base", Runs: amdahlRuns(ms, 8*ms, 2, 4)},
			summary: []string{"no speedup to show"},
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
			for _, bad := range tt.absent {
				for _, text := range pic.texts {
					if strings.Contains(text, bad) {
						t.Errorf("picture has %q in %q", bad, text)
					}
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
	want := []Run{{4, 10 * ms, 0}, {2, 20 * ms, 0}}
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

package hazard

import (
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestRace(t *testing.T) {
	tests := []struct {
		name     string
		cfg      RaceConfig
		mustLose bool
		exact    bool
	}{
		{"unsynchronized with yields loses updates", RaceConfig{Goroutines: 4, Increments: 2000, Mode: Unsynchronized, Yield: true}, true, false},
		{"unsynchronized", RaceConfig{Goroutines: 2, Increments: 100_000, Mode: Unsynchronized}, false, false},
		{"mutex is exact", RaceConfig{Goroutines: 4, Increments: 20_000, Mode: Mutex, Yield: true}, false, true},
		{"atomic is exact", RaceConfig{Goroutines: 4, Increments: 20_000, Mode: Atomic}, false, true},
		{"defaults", RaceConfig{Mode: Atomic}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer checkGoroutines(t)()
			rec := Race(tt.cfg)
			v := rec.Values
			if v["expected"]-v["got"] != v["lost"] || v["got"] > v["expected"] || v["got"] <= 0 {
				t.Fatalf("values %v", v)
			}
			n := tt.cfg.Goroutines
			if n == 0 {
				n = 4
			}
			if len(rec.Tasks) != n || rec.Kind != "race" || !strings.Contains(rec.Title, tt.cfg.Mode.String()) {
				t.Errorf("%d tasks, kind %q, title %q", len(rec.Tasks), rec.Kind, rec.Title)
			}
			if tt.mustLose && v["lost"] == 0 {
				t.Errorf("no update lost: %v", v)
			}
			if tt.exact && v["lost"] != 0 {
				t.Errorf("updates lost with %v: %v", tt.cfg.Mode, v)
			}
			if v["lost"] > 0 && !slices.ContainsFunc(rec.Notes, func(n string) bool { return strings.Contains(n, "lost") }) {
				t.Errorf("notes %q", rec.Notes)
			}
		})
	}
}

func TestRaceDataRace(t *testing.T) {
	if raceEnabled {
		t.Skip("a true data race would be reported by the race detector, as it should")
	}
	rec := Race(RaceConfig{Goroutines: 4, Increments: 2000, Mode: DataRace, Yield: true})
	if rec.Values["lost"] == 0 {
		t.Errorf("no update lost: %v", rec.Values)
	}
}

// On more than one core a racy counter loses updates on every run, not
// by luck: a notebook's "updates were lost" holds on a rerun.
func TestRaceLosesUpdatesEveryRun(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("needs two Ps: on one, only Yield makes goroutines switch between read and write")
	}
	modes := []RaceMode{Unsynchronized}
	if !raceEnabled {
		modes = append(modes, DataRace)
	}
	for _, m := range modes {
		for run := range 20 {
			rec := Race(RaceConfig{Mode: m}) // the defaults: 4 goroutines of 100,000 increments
			if rec.Values["lost"] == 0 {
				t.Errorf("%v, run %d: no update lost: %v", m, run+1, rec.Values)
			}
		}
	}
}

func TestRaceModeString(t *testing.T) {
	for m, want := range map[RaceMode]string{Unsynchronized: "unsynchronized", DataRace: "data race", Mutex: "mutex", Atomic: "atomic", 9: "RaceMode(9)"} {
		if got := m.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(m), got, want)
		}
	}
}

package demos_test

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/conclab/conclab/demos"
)

const ms = time.Millisecond

// sample is a recording with every field set.
func sample() *demos.Recording {
	return &demos.Recording{
		Title: "locks", Kind: demos.KindGoroutines,
		Tasks: []demos.Task{
			{ID: 0, Lane: "g0", Start: 0, End: 40 * ms,
				Phases: []demos.Phase{{Name: "wait lock", Start: 0, End: 10 * ms}, {Name: "hold lock", Start: 10 * ms, End: 40 * ms}},
				Marks:  []demos.Mark{{Name: "got lock", At: 10 * ms}}, Result: "7"},
			{ID: 1, Lane: "g1", Start: 5 * ms, End: 45 * ms, Err: "boom",
				Phases: []demos.Phase{{Name: "wait lock", Start: 5 * ms, End: 40 * ms}}},
			{ID: 2, Lane: "g0", Start: 50 * ms, End: 60 * ms, PID: 42, CPU: 3 * ms, MaxRSS: 1 << 20, ExitCode: 3, Status: "exit status 3"},
		},
		Wall: 100 * ms, CPU: 50 * ms, GOMAXPROCS: 2, NumCPU: 4, GoVersion: "go1.26.8",
		Notes: []string{"a note"}, Workers: 2,
		Started: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC),
		Values:  map[string]float64{"expected": 10, "got": 7.5},
	}
}

func TestRecordingJSONRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		rec  *demos.Recording
	}{
		{"full", sample()},
		{"empty", &demos.Recording{}},
		{"tasks only", &demos.Recording{Tasks: []demos.Task{{ID: 1, Lane: "worker 0", End: 1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.rec.WriteJSON(&buf); err != nil {
				t.Fatal(err)
			}
			got, err := demos.ReadJSON(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.rec) {
				t.Errorf("round trip changed the recording:\n got %+v\nwant %+v", got, tt.rec)
			}
		})
	}
}

func TestRecordingJSONNames(t *testing.T) {
	var buf bytes.Buffer
	if err := sample().WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"title", "kind", "tasks", "wall_ns", "cpu_ns", "gomaxprocs", "numcpu", "go_version", "notes", "workers", "started", "values"} {
		if _, ok := raw[key]; !ok {
			t.Errorf("JSON lacks %q", key)
		}
	}
	task := raw["tasks"].([]any)[2].(map[string]any)
	for _, key := range []string{"id", "lane", "start_ns", "end_ns", "pid", "cpu_ns", "max_rss_bytes", "exit_code", "status"} {
		if _, ok := task[key]; !ok {
			t.Errorf("task JSON lacks %q", key)
		}
	}
}

func TestReadJSONErrors(t *testing.T) {
	for _, in := range []string{"", "{", `{"tasks": 3}`, `{"wall_ns": "long"}`, "[]"} {
		if _, err := demos.ReadJSON(strings.NewReader(in)); err == nil {
			t.Errorf("ReadJSON(%q): no error", in)
		}
	}
}

func TestRecordingRatios(t *testing.T) {
	tests := []struct {
		name                     string
		rec                      demos.Recording
		busy                     time.Duration
		concurrency, parallelism float64
		cores                    int
	}{
		{"empty", demos.Recording{}, 0, 0, 0, 0},
		{"in process",
			demos.Recording{Kind: demos.KindPool, Wall: 100 * ms, CPU: 100 * ms, GOMAXPROCS: 4, NumCPU: 2,
				Tasks: []demos.Task{{End: 100 * ms}, {End: 50 * ms}, {Start: 50 * ms, End: 100 * ms}}},
			200 * ms, 2, 1, 4},
		{"processes use the cores",
			demos.Recording{Kind: demos.KindProcesses, Wall: 100 * ms, CPU: 100 * ms, GOMAXPROCS: 1, NumCPU: 2,
				Tasks: []demos.Task{{End: 100 * ms}}},
			100 * ms, 1, 1, 2},
		{"commands too",
			demos.Recording{Kind: demos.KindCommands, Wall: 10 * ms, CPU: 20 * ms, GOMAXPROCS: 8, NumCPU: 4},
			0, 0, 2, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rec.Busy(); got != tt.busy {
				t.Errorf("Busy = %v, want %v", got, tt.busy)
			}
			if got := tt.rec.Cores(); got != tt.cores {
				t.Errorf("Cores = %d, want %d", got, tt.cores)
			}
			for _, f := range []struct {
				what      string
				got, want float64
			}{
				{"Concurrency", tt.rec.Concurrency(), tt.concurrency},
				{"Parallelism", tt.rec.Parallelism(), tt.parallelism},
			} {
				if math.Abs(f.got-f.want) > 1e-9 {
					t.Errorf("%s = %v, want %v", f.what, f.got, f.want)
				}
			}
		})
	}
}

func TestRecordingLanesFailedPhases(t *testing.T) {
	rec := sample()
	if got, want := rec.Lanes(), []string{"g0", "g1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Lanes = %v, want %v", got, want)
	}
	if f := rec.Failed(); len(f) != 1 || f[0].ID != 1 {
		t.Errorf("Failed = %v", f)
	}
	want := map[string]time.Duration{"wait lock": 45 * ms, "hold lock": 30 * ms}
	if got := rec.PhaseTotals(); !reflect.DeepEqual(got, want) {
		t.Errorf("PhaseTotals = %v, want %v", got, want)
	}
}

func TestRecordingStringListsFailures(t *testing.T) {
	rec := &demos.Recording{Kind: demos.KindPool}
	for i := range 5 {
		rec.Tasks = append(rec.Tasks, demos.Task{ID: i, Lane: "worker 0", Err: "bad"})
	}
	s := rec.String()
	for _, want := range []string{"failed: 5 of 5", "task 0 on worker 0: bad", "task 2", "2 more"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "task 3") {
		t.Errorf("summary names more than 3 failures:\n%s", s)
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{999, "999ns"},
		{1234, "1.23µs"},
		{12345678, "12.3ms"},
		{123456789, "123ms"},
		{1234567890, "1.23s"},
		{123456789012, "2m3s"},
		{-12345678, "-12.3ms"},
	}
	for _, tt := range tests {
		if got := demos.FormatDuration(tt.in); got != tt.want {
			t.Errorf("FormatDuration(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTaskString(t *testing.T) {
	got := sample().Tasks[1].String()
	want := "task 1 on g1: 5ms to 45ms (40ms) error boom"
	if got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}

// A recording read from a file may claim a sample hours long: its figures
// must not cost memory in proportion.
func TestFiguresOfAHugeSample(t *testing.T) {
	rec := &demos.Recording{Kind: demos.KindCommands, Wall: 20 * time.Hour, Tasks: []demos.Task{{Lane: "pid 1", End: 20 * time.Hour,
		Threads: []demos.Thread{{TID: 1, Samples: []demos.Sample{{Start: 0, End: 20 * time.Hour, Running: 10 * time.Hour}}}}}}}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f := rec.Figures()
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("figures of one sample allocated %d MB", grew>>20)
	}
	if f.PeakRunning < 0.45 || f.PeakRunning > 0.55 {
		t.Errorf("peak running %v, want 0.5", f.PeakRunning)
	}
}

func TestNoteFirst(t *testing.T) {
	rec := &demos.Recording{Notes: []string{"the run ended late"}}
	rec.NoteFirst("lost 3 updates", "by two writers")
	if want := []string{"lost 3 updates", "by two writers", "the run ended late"}; !reflect.DeepEqual(rec.Notes, want) {
		t.Errorf("notes %q, want %q", rec.Notes, want)
	}
}

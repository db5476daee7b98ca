package compiled

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/schedtrace"
	"github.com/conclab/conclab/internal/schedtrace/schedtracetest"
)

// contention is a cell whose scheduler view is known: four goroutines
// contend for a lock, one waits on a channel, one sleeps. The channel is
// closed only after its receiver has started, so that it waits there even
// when a busy machine starts it late.
const contention = `var mu sync.Mutex
var wg sync.WaitGroup
n := 0
for range 4 {
	wg.Go(func() {
		for range 50 {
			mu.Lock()
			for start := time.Now(); time.Since(start) < 100*time.Microsecond; {
			}
			n++
			mu.Unlock()
		}
	})
}
ch, started := make(chan int), make(chan struct{})
wg.Go(func() { close(started); <-ch })
wg.Go(func() { time.Sleep(10 * time.Millisecond) })
<-started; time.Sleep(5 * time.Millisecond)
close(ch)
wg.Wait()
fmt.Println("n =", n)`

func TestTraceCell(t *testing.T) {
	e := newEngine(t)
	tests := []struct {
		name      string
		src       string
		settings  engine.Settings
		errName   string
		stdoutHas string
		stderrHas string
		summary   []string // in the text/plain summary
		absent    []string // not in it
		noPicture bool
	}{
		{name: "contention", src: contention, settings: engine.Settings{Trace: true}, stdoutHas: "n = 200",
			summary: []string{"goroutines: 6 created while tracing, 7 in all (main included)", "most runnable at once",
				"blocked by reason: sync (mutex, WaitGroup, Cond)", "channel", "sleep", "Ps: P0", "goroutines: g1 main, g", " line 5, ", " line 16, ", " line 17"}},
		{name: "with time and GOMAXPROCS=1", src: contention, settings: engine.Settings{Trace: true, Time: true, GOMAXPROCS: 1},
			stdoutHas: "cores busy on average", summary: []string{"GOMAXPROCS=1", "lanes: Ps: P0", "6 created"}, absent: []string{"P1"}},
		{name: "with a title", src: contention, settings: engine.Settings{Trace: true, TraceTitle: "one P: the goroutines take turns", GOMAXPROCS: 1},
			stdoutHas: "n = 200", summary: []string{"one P: the goroutines take turns"}, absent: []string{"the scheduler's view of this cell"}},
		{name: "with the race detector", src: contention, settings: engine.Settings{Trace: true, GoFlags: []string{"-race"}},
			stdoutHas: "n = 200", summary: []string{"6 created"}},
		{name: "timeout", src: "go func() { select {} }()\ntime.Sleep(time.Hour)", settings: engine.Settings{Trace: true, Timeout: 400 * time.Millisecond},
			errName: "Timeout", summary: []string{"the cell was stopped: the picture ends where it was", "blocked by reason: sleep"}},
		{name: "deadlock", src: "var mu sync.Mutex\nmu.Lock()\nmu.Lock()", settings: engine.Settings{Trace: true}, errName: "deadlock",
			stderrHas: "all goroutines are asleep", summary: []string{"tracing stopped at", "Go cannot detect a deadlock while a trace runs"}},
		{name: "panic", src: "x := []int{}\n_ = x[1]", settings: engine.Settings{Trace: true}, errName: "panic", summary: []string{"0 created"}},
		{name: "os.Exit", src: "os.Exit(3)", settings: engine.Settings{Trace: true}, errName: "ExitError",
			stderrHas: "ended before it could finish its trace", noPicture: true},
		{name: "compile error", src: "fmt.Println(nope)", settings: engine.Settings{Trace: true}, errName: "CompileError", noPicture: true},
		{name: "the same cell untraced", src: contention, stdoutHas: "n = 200", noPicture: true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &recorder{}
			err := run(t, e, i+1, tt.src, tt.settings, out)
			var ce *engine.Error
			switch {
			case tt.errName == "" && err != nil:
				t.Fatalf("error %v; stderr:\n%s", err, out.stderr.String())
			case tt.errName != "" && (!errors.As(err, &ce) || ce.Name != tt.errName):
				t.Fatalf("error %v, want %s; stderr:\n%s", err, tt.errName, out.stderr.String())
			}
			if !strings.Contains(out.stdout.String(), tt.stdoutHas) {
				t.Errorf("stdout %q lacks %q", out.stdout.String(), tt.stdoutHas)
			}
			if !strings.Contains(out.stderr.String(), tt.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderrHas, out.stderr.String())
			}
			if tt.noPicture {
				if len(out.displays) != 0 {
					t.Errorf("%d displays, want none", len(out.displays))
				}
				return
			}
			if len(out.displays) != 2 {
				t.Fatalf("%d displays, want the picture and the summary; stderr:\n%s", len(out.displays), out.stderr.String())
			}
			checkPNG(t, out.displays[0].Data["image/png"])
			text, _ := out.displays[1].Data["text/plain"].(string)
			html, _ := out.displays[1].Data["text/html"].(string)
			for _, want := range tt.summary {
				if !strings.Contains(text, want) {
					t.Errorf("summary lacks %q:\n%s", want, text)
				}
			}
			for _, bad := range tt.absent {
				if strings.Contains(text, bad) {
					t.Errorf("summary has %q:\n%s", bad, text)
				}
			}
			if !strings.Contains(html, "<table>") || !strings.Contains(html, "most runnable at once") {
				t.Errorf("HTML summary: %s", html)
			}
			if strings.Contains(text, "conclabTrace") {
				t.Errorf("the trace's own watcher shows:\n%s", text)
			}
		})
	}
}

// checkPNG decodes a display's base64 PNG.
func checkPNG(t *testing.T, data any) {
	t.Helper()
	s, ok := data.(string)
	if !ok {
		t.Fatalf("image/png is %T, want base64 text", data)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("image/png is not base64: %v", err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width < 800 || cfg.Height < 200 {
		t.Fatalf("PNG %dx%d, %v", cfg.Width, cfg.Height, err)
	}
}

// TestTraceInterrupt: an interrupted traced cell shows what it was doing.
func TestTraceInterrupt(t *testing.T) {
	e := newEngine(t)
	c, err := cell.Parse("ch := make(chan int)\ngo func() { ch <- 1 }()\nfmt.Println(\"started\")\ntime.Sleep(time.Hour)")
	if err != nil {
		t.Fatal(err)
	}
	out := &recorder{}
	done := make(chan error, 1)
	go func() {
		done <- e.Execute(t.Context(), engine.Cell{ID: 1, Parsed: c, Settings: engine.Settings{Trace: true}}, out)
	}()
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(stdoutOf(out), "started"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the program never started")
		}
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	e.Interrupt()
	var ce *engine.Error
	if err := <-done; !errors.As(err, &ce) || ce.Name != "Interrupted" {
		t.Fatalf("error %v, want Interrupted", err)
	}
	// The program sleeps for an hour: an interrupt that waited for it, or
	// for a trace that never completes, would take far longer than this
	// bound, which leaves room for a loaded machine (the flush wait is
	// traceFlushLimit, then the kill, the read and the drawing).
	if d := time.Since(start); d > traceFlushLimit+20*time.Second {
		t.Errorf("the interrupt took %v", d)
	}
	if len(out.displays) != 2 {
		t.Fatalf("%d displays, want 2; stderr:\n%s", len(out.displays), out.stderr.String())
	}
	if text := out.displays[1].Data["text/plain"].(string); !strings.Contains(text, "channel") || !strings.Contains(text, "sleep") {
		t.Errorf("summary of the interrupted cell:\n%s", text)
	}
}

func stdoutOf(r *recorder) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stdout.String()
}

// TestTraceReadProblems: a trace that is missing, empty, cut or too large
// gives a clear notice, never an error of the cell.
func TestTraceReadProblems(t *testing.T) {
	tests := []struct {
		name  string
		setup func(path string) error
		want  string
	}{
		{"missing", func(string) error { return nil }, "wrote no trace"},
		{"empty, no done file", func(p string) error { return os.WriteFile(p, nil, 0o600) }, "ended before it could finish its trace"},
		{"not a trace", func(p string) error {
			if err := os.WriteFile(p, []byte("not a trace at all"), 0o600); err != nil {
				return err
			}
			return os.WriteFile(p+cell.TraceDoneSuffix, []byte(cell.TraceStoppedReturn), 0o600)
		}, "read trace"},
		{"too large", func(p string) error {
			f, err := os.Create(p)
			if err != nil {
				return err
			}
			defer f.Close()
			return f.Truncate(maxTraceBytes + 1)
		}, fmt.Sprintf("more than the %d MB", maxTraceBytes>>20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTracing(t.TempDir())
			if err := tt.setup(tr.path); err != nil {
				t.Fatal(err)
			}
			out := &recorder{}
			tr.report(out, &cell.Program{})
			if len(out.displays) != 0 || !strings.Contains(out.stderr.String(), tt.want) {
				t.Errorf("displays %d, stderr %q; want a notice with %q", len(out.displays), out.stderr.String(), tt.want)
			}
			if !strings.HasPrefix(out.stderr.String(), "conclab: %trace: ") {
				t.Errorf("notice %q does not say where it comes from", out.stderr.String())
			}
		})
	}
}

// A trace with more events than the kernel takes in is drawn up to the
// limit, and the summary says where the picture ends and why.
func TestTraceLimitedToMaxEvents(t *testing.T) {
	data := schedtracetest.Trace(t)
	whole, err := schedtrace.Read(bytes.NewReader(data), schedtrace.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Half the known trace's events: how many it has depends on how the
	// scheduler ran the known program this time.
	half := whole.Events / 2
	tr := newTracing(t.TempDir())
	if err := os.WriteFile(tr.path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tr.path+cell.TraceDoneSuffix, []byte(cell.TraceStoppedReturn), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		maxEvents int
		limited   bool
	}{{maxTraceEvents, false}, {whole.Events, false}, {half, true}} {
		tr.maxEvents = tt.maxEvents
		out := &recorder{}
		tr.report(out, &cell.Program{})
		if len(out.displays) != 2 || out.stderr.Len() != 0 {
			t.Fatalf("max %d: %d displays, stderr %q", tt.maxEvents, len(out.displays), out.stderr.String())
		}
		html, _ := out.displays[1].Data["text/html"].(string)
		said := strings.Contains(html, fmt.Sprintf("the first %d events", half)) && strings.Contains(html, fmt.Sprintf("at most %d events", half))
		if said != tt.limited {
			t.Errorf("max %d of %d events: the summary says the picture is limited: %v, want %v\n%s",
				tt.maxEvents, whole.Events, said, tt.limited, html)
		}
	}
}

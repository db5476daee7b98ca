package schedtrace

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestReadKnownProgram(t *testing.T) {
	tr := readKnown(t, Options{})
	checkWellFormed(t, tr)
	if tr.Incomplete != "" {
		t.Errorf("Incomplete = %q for a trace that was stopped", tr.Incomplete)
	}
	if tr.GOMAXPROCS != 2 {
		t.Errorf("GOMAXPROCS = %d, want 2", tr.GOMAXPROCS)
	}
	if len(tr.Procs) == 0 || len(tr.Procs) > 2 {
		t.Errorf("%d Ps ran something, want 1 or 2", len(tr.Procs))
	}

	tests := []struct {
		start string // suffix of the start function
		count int
		state State         // the state they must have spent time in
		least time.Duration // summed over them, at least
	}{
		{"schedtrace.contend", contenders, Sync, 1},
		{"schedtrace.contend", contenders, Running, contenders * rounds * holdFor * 9 / 10},
		{"schedtrace.waitOn", 1, Chan, releaseIn / 2},
		{"schedtrace.selectOn", 1, Select, releaseIn / 2},
		{"schedtrace.readPipe", 1, Syscall, releaseIn / 2},
		{"schedtrace.sleeper", 1, Sleep, releaseIn / 2},
	}
	for _, tt := range tests {
		t.Run(tt.start+"/"+tt.state.String(), func(t *testing.T) {
			gs := byStart(tr, tt.start)
			if len(gs) != tt.count {
				t.Fatalf("%d goroutines started in %s, want %d", len(gs), tt.start, tt.count)
			}
			var sum time.Duration
			for _, g := range gs {
				if !g.Created || !g.Ended {
					t.Errorf("g%d: Created %v, Ended %v; want both", g.ID, g.Created, g.Ended)
				}
				if g.Creator.Func == "" || !strings.HasSuffix(g.Creator.Func, "schedtrace.knownProgram") {
					t.Errorf("g%d: Creator %+v, want knownProgram", g.ID, g.Creator)
				}
				sum += g.Time()[tt.state]
			}
			if sum < tt.least {
				t.Errorf("time %v = %v, want at least %v", tt.state, sum, tt.least)
			}
		})
	}

	// Every goroutine that ran shows up on a P lane, as the program's code.
	onP := map[int64]State{}
	for _, p := range tr.Procs {
		for _, s := range p.Slices {
			onP[s.G] = s.State
		}
	}
	for _, g := range byStart(tr, "schedtrace.contend") {
		if _, ok := onP[g.ID]; !ok {
			t.Errorf("contender g%d never appears on a P", g.ID)
		}
	}
}

func TestSummaryOfKnownProgram(t *testing.T) {
	tr := readKnown(t, Options{})
	s := tr.Summary()
	if s.Created < contenders+4 {
		t.Errorf("Created = %d, want at least %d", s.Created, contenders+4)
	}
	if s.Goroutines < s.Created {
		t.Errorf("Goroutines %d < Created %d", s.Goroutines, s.Created)
	}
	// Main starts eight goroutines in a row on at most two Ps: some wait.
	if s.MaxRunnable < 1 || s.MaxRunnable > s.Goroutines {
		t.Errorf("MaxRunnable = %d, want 1..%d", s.MaxRunnable, s.Goroutines)
	}
	for _, st := range []State{Running, Sync, Chan, Select, Sleep, Syscall} {
		if s.Time[st] <= 0 {
			t.Errorf("no time in %v", st)
		}
	}
	if s.Busy <= 0 || s.ProgramBusy <= 0 || s.ProgramBusy > s.Busy {
		t.Errorf("Busy %v, ProgramBusy %v", s.Busy, s.ProgramBusy)
	}
	text := strings.Join(s.Lines(), "\n")
	for _, want := range []string{"GOMAXPROCS=2", "goroutines: ", "created while tracing", "most runnable at once",
		"blocked by reason: sync (mutex, WaitGroup, Cond)", "channel", "select", "sleep", "syscall/I/O"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
}

func TestHide(t *testing.T) {
	tr := readKnown(t, Options{Hide: func(fn string) bool { return strings.HasSuffix(fn, "schedtrace.sleeper") }})
	if gs := byStart(tr, "schedtrace.sleeper"); len(gs) != 0 {
		t.Errorf("hidden sleeper still listed: %+v", gs[0])
	}
	if tr.Hidden != 1 {
		t.Errorf("Hidden = %d, want 1", tr.Hidden)
	}
	all := readKnown(t, Options{})
	for _, p := range tr.Procs {
		for _, s := range p.Slices {
			if g := byStart(all, "schedtrace.sleeper"); len(g) == 1 && s.G == g[0].ID {
				t.Errorf("hidden goroutine on P%d: %+v", p.ID, s)
			}
		}
	}
}

func TestReadTruncated(t *testing.T) {
	full := knownTrace(t)
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"header only", full[:16]},
		{"a tenth", full[:len(full)/10]},
		{"half", full[:len(full)/2]},
		{"all but the last byte", full[:len(full)-1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := Read(bytes.NewReader(tt.data), Options{})
			switch {
			case err != nil:
				if tr != nil {
					t.Fatalf("Read returned a trace and an error %v", err)
				}
				if len(tt.data) <= 16 && !errors.Is(err, ErrEmpty) {
					t.Errorf("err = %v, want ErrEmpty", err)
				}
			case tr.Incomplete == "":
				t.Errorf("a cut trace read as complete (%d events)", tr.Events)
			default:
				checkWellFormed(t, tr)
				if !strings.Contains(strings.Join(tr.Summary().Lines(), "\n"), "the trace is incomplete") {
					t.Error("summary does not say the trace is incomplete")
				}
			}
		})
	}
}

func TestNotATrace(t *testing.T) {
	_, err := Read(strings.NewReader("hello, this is not a trace\n"), Options{})
	if err == nil || errors.Is(err, ErrEmpty) {
		t.Fatalf("err = %v, want a parse error", err)
	}
}

func TestReasonState(t *testing.T) {
	tests := []struct {
		reason string
		want   State
	}{
		{"chan receive", Chan},
		{"chan send", Chan},
		{"select", Select},
		{"sync", Sync},
		{"sync.(*Cond).Wait", Sync},
		{"sleep", Sleep},
		{"network", Syscall},
		{"GC mark assist wait for work", GC},
		{"wait until GC ends", GC},
		{"forever", Other},
		{"unspecified", Other},
		{"", Other},
	}
	for _, tt := range tests {
		if got := reasonState(tt.reason); got != tt.want {
			t.Errorf("reasonState(%q) = %v, want %v", tt.reason, got, tt.want)
		}
	}
}

func TestStackState(t *testing.T) {
	tests := []struct {
		funcs []string
		want  State
	}{
		{[]string{"runtime.gopark", "runtime.chanrecv", "runtime.chanrecv1", "main.main"}, Chan},
		{[]string{"runtime.gopark", "runtime.selectgo", "main.f"}, Select},
		{[]string{"runtime.gopark", "runtime.semacquire1", "internal/sync.runtime_SemacquireMutex", "sync.(*Mutex).Lock"}, Sync},
		{[]string{"runtime.gopark", "time.Sleep", "main.f"}, Sleep},
		{[]string{"runtime.gopark", "runtime.netpollblock", "internal/poll.runtime_pollWait"}, Syscall},
		{[]string{"runtime.gopark", "runtime.block", "main.main"}, Other},
		{nil, Other},
	}
	for _, tt := range tests {
		if got := stackState(tt.funcs); got != tt.want {
			t.Errorf("stackState(%v) = %v, want %v", tt.funcs, got, tt.want)
		}
	}
}

func TestFrames(t *testing.T) {
	tests := []struct {
		fn                    string
		pkg                   string
		runtime, std, closure bool
		short                 string
	}{
		{"main.worker", "main", false, false, false, "worker"},
		{"main.main.func1", "main", false, false, true, "main.func1"},
		{"main.(*T).run.func2.1", "main", false, false, true, "(*T).run.func2.1"},
		{"sync.(*WaitGroup).Go.func1", "sync", false, true, true, "sync.(*WaitGroup).Go.func1"},
		{"runtime.gcBgMarkWorker", "runtime", true, true, false, "runtime.gcBgMarkWorker"},
		{"runtime/trace.(*traceMultiplexer).startLocked.func1", "runtime/trace", true, true, true, "trace.(*traceMultiplexer).startLocked.func1"},
		{"internal/runtime/x.f", "internal/runtime/x", true, true, false, "x.f"},
		{"github.com/conclab/conclab/demos.(*Pool).Run", "github.com/conclab/conclab/demos", false, false, false, "demos.(*Pool).Run"},
		{"main.funcky", "main", false, false, false, "funcky"},
	}
	for _, tt := range tests {
		if got := pkgPath(tt.fn); got != tt.pkg {
			t.Errorf("pkgPath(%q) = %q, want %q", tt.fn, got, tt.pkg)
		}
		if got := isRuntime(tt.fn); got != tt.runtime {
			t.Errorf("isRuntime(%q) = %v", tt.fn, got)
		}
		if got := isStd(tt.fn); got != tt.std {
			t.Errorf("isStd(%q) = %v", tt.fn, got)
		}
		if got := isClosure(tt.fn); got != tt.closure {
			t.Errorf("isClosure(%q) = %v", tt.fn, got)
		}
		if got := shortFunc(tt.fn); got != tt.short {
			t.Errorf("shortFunc(%q) = %q, want %q", tt.fn, got, tt.short)
		}
	}
}

func TestMaxOverlap(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		ivs  []Interval
		n    int
		at   time.Duration
	}{
		{"none", nil, 0, 0},
		{"one", []Interval{{Start: ms, End: 2 * ms}}, 1, ms},
		{"touching do not overlap", []Interval{{Start: 0, End: ms}, {Start: ms, End: 2 * ms}}, 1, 0},
		{"nested", []Interval{{Start: 0, End: 10 * ms}, {Start: 2 * ms, End: 3 * ms}, {Start: 2 * ms, End: 5 * ms}}, 3, 2 * ms},
	}
	for _, tt := range tests {
		n, at := maxOverlap(tt.ivs)
		if n != tt.n || at != tt.at {
			t.Errorf("%s: maxOverlap = %d at %v, want %d at %v", tt.name, n, at, tt.n, tt.at)
		}
	}
}

func TestPrintKnown(t *testing.T) {
	tr := readKnown(t, Options{})
	for _, l := range tr.Summary().Lines() {
		t.Log(l)
	}
	for _, g := range tr.Goroutines {
		t.Logf("g%d %s creator %s:%d  %d intervals %v", g.ID, g.Start.Func, g.Creator.Func, g.Creator.Line, len(g.Intervals), g.Time())
	}
	for _, p := range tr.Procs {
		t.Logf("P%d %d slices busy %v", p.ID, len(p.Slices), p.Busy())
	}
	t.Logf("runtime %d hidden %d events %d gc %d stw %v", tr.RuntimeGoroutines, tr.Hidden, tr.Events, len(tr.GCMark), tr.STW)
}

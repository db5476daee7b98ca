package schedtrace

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/conclab/conclab/internal/schedtrace/schedtracetest"
	"runtime"
	rtrace "runtime/trace"
	"strconv"
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
		{"schedtracetest.contend", schedtracetest.Contenders, Sync, 1},
		{"schedtracetest.contend", schedtracetest.Contenders, Running, schedtracetest.Contenders * schedtracetest.Rounds * schedtracetest.HoldFor * 9 / 10},
		{"schedtracetest.waitOn", 1, Chan, schedtracetest.ReleaseIn / 2},
		{"schedtracetest.selectOn", 1, Select, schedtracetest.ReleaseIn / 2},
		{"schedtracetest.readPipe", 1, Syscall, schedtracetest.ReleaseIn / 2},
		{"schedtracetest.sleeper", 1, Sleep, schedtracetest.ReleaseIn / 2},
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
				if g.Creator.Func == "" || !strings.HasSuffix(g.Creator.Func, "schedtracetest.program") {
					t.Errorf("g%d: Creator %+v, want the known program", g.ID, g.Creator)
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
	for _, g := range byStart(tr, "schedtracetest.contend") {
		if _, ok := onP[g.ID]; !ok {
			t.Errorf("contender g%d never appears on a P", g.ID)
		}
	}
}

// TestParentsAndLogs checks that a goroutine created while tracing names the
// goroutine that created it, and that logs of the chosen category are kept
// with the goroutine that wrote them.
func TestParentsAndLogs(t *testing.T) {
	tr := readKnown(t, Options{LogCategory: schedtracetest.LogCategory})
	starter := int64(0)
	for _, g := range byStart(tr, "schedtracetest.contend") {
		if g.Parent == 0 || (starter != 0 && g.Parent != starter) {
			t.Fatalf("g%d: Parent %d, want the one goroutine that started the contenders (g%d)", g.ID, g.Parent, starter)
		}
		starter = g.Parent
	}
	// The known program creates the contenders first, then the others in
	// this order: Seq follows creation.
	last := -1
	for _, name := range []string{"contend", "waitOn", "selectOn", "readPipe", "sleeper"} {
		gs := byStart(tr, "schedtracetest."+name)
		for _, g := range gs {
			if g.Seq <= last {
				t.Errorf("%s g%d: Seq %d, not after %d", name, g.ID, g.Seq, last)
			}
		}
		for _, g := range gs {
			last = max(last, g.Seq)
		}
	}
	if len(tr.Logs) != 1 {
		t.Fatalf("Logs = %+v, want the one release message", tr.Logs)
	}
	l := tr.Logs[0]
	if l.Message != schedtracetest.ReleaseMessage || l.G != starter || l.At < schedtracetest.ReleaseIn || l.At > tr.Span {
		t.Errorf("log %+v, want %q from g%d after %v", l, schedtracetest.ReleaseMessage, starter, schedtracetest.ReleaseIn)
	}
	if other := readKnown(t, Options{LogCategory: "another"}); len(other.Logs) != 0 {
		t.Errorf("logs of another category kept: %+v", other.Logs)
	}
	if none := readKnown(t, Options{}); len(none.Logs) != 0 {
		t.Errorf("logs kept without a category: %+v", none.Logs)
	}
}

func TestSummaryOfKnownProgram(t *testing.T) {
	tr := readKnown(t, Options{})
	s := tr.Summary()
	if s.Created < schedtracetest.Contenders+4 {
		t.Errorf("Created = %d, want at least %d", s.Created, schedtracetest.Contenders+4)
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
	tr := readKnown(t, Options{Hide: func(fn string) bool { return strings.HasSuffix(fn, "schedtracetest.sleeper") }})
	if gs := byStart(tr, "schedtracetest.sleeper"); len(gs) != 0 {
		t.Errorf("hidden sleeper still listed: %+v", gs[0])
	}
	if tr.Hidden != 1 {
		t.Errorf("Hidden = %d, want 1", tr.Hidden)
	}
	all := readKnown(t, Options{})
	for _, p := range tr.Procs {
		for _, s := range p.Slices {
			if g := byStart(all, "schedtracetest.sleeper"); len(g) == 1 && s.G == g[0].ID {
				t.Errorf("hidden goroutine on P%d: %+v", p.ID, s)
			}
		}
	}
}

func TestReadTruncated(t *testing.T) {
	full := schedtracetest.Trace(t)
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

func TestLaneName(t *testing.T) {
	pos := func(file string, line int) string { return fmt.Sprintf("%s@%d", file, line) }
	tests := []struct {
		g    Goroutine
		want string
	}{
		{Goroutine{ID: 1, Start: Frame{Func: "main.main"}}, "g1 main"},
		{Goroutine{ID: 7, Start: Frame{Func: "main.worker"}, Creator: Frame{Func: "main.main", File: "c.go", Line: 3}}, "g7 worker"},
		{Goroutine{ID: 8, Start: Frame{Func: "main.main.func1"}, Creator: Frame{Func: "main.main", File: "c.go", Line: 4}}, "g8 c.go@4"},
		{Goroutine{ID: 9, Start: Frame{Func: "sync.(*WaitGroup).Go.func1"}, Creator: Frame{Func: "main.main", File: "c.go", Line: 5}}, "g9 c.go@5"},
		{Goroutine{ID: 10, Start: Frame{Func: "sync.(*WaitGroup).Go.func1"}}, "g10 sync.(*WaitGroup).Go.func1"},
		{Goroutine{ID: 11, Start: Frame{Func: "github.com/conclab/conclab/demos.(*Pool).worker"}}, "g11 demos.(*Pool).worker"},
		{Goroutine{ID: 12}, "g12"},
		{Goroutine{ID: 13, Start: Frame{Func: "github.com/conclab/conclab/demos.concurrent.func1"},
			Creator: Frame{Func: "github.com/conclab/conclab/demos.concurrent", File: "goroutines.go", Line: 40}}, "g13 demos.concurrent"},
	}
	for _, tt := range tests {
		if got := tt.g.Label(pos); got != tt.want {
			t.Errorf("Label(%+v) = %q, want %q", tt.g, got, tt.want)
		}
	}
}

func TestReadMaxEvents(t *testing.T) {
	full := readKnown(t, Options{})
	if full.Limited {
		t.Fatal("a trace read whole is Limited")
	}
	for _, n := range []int{1, 100, full.Events / 2, full.Events, full.Events + 1} {
		tr := readKnown(t, Options{MaxEvents: n})
		if want := min(n, full.Events); tr.Events != want || tr.Limited != (n < full.Events) {
			t.Errorf("MaxEvents %d: %d events, Limited %v; want %d events of %d", n, tr.Events, tr.Limited, want, full.Events)
		}
		if tr.Span > full.Span {
			t.Errorf("MaxEvents %d: span %v longer than the whole trace's %v", n, tr.Span, full.Span)
		}
		checkWellFormed(t, tr)
	}
}

// TestBlockedBeforeTheTrace: a goroutine that was blocked when tracing began
// has no event until it is woken; its lane must say it was blocked from the
// start, not be empty until then.
func TestBlockedBeforeTheTrace(t *testing.T) {
	wake, woken := make(chan int), make(chan int64)
	go func() {
		<-wake
		var buf [64]byte
		id, _, _ := strings.Cut(strings.TrimPrefix(string(buf[:runtime.Stack(buf[:], false)]), "goroutine "), " ")
		n, _ := strconv.ParseInt(id, 10, 64)
		woken <- n
	}()
	time.Sleep(10 * time.Millisecond) // it blocks
	var buf bytes.Buffer
	if err := rtrace.Start(&buf); err != nil {
		t.Skipf("tracing: %v", err) // the test binary runs with -trace
	}
	time.Sleep(20 * time.Millisecond)
	wake <- 1
	id := <-woken
	rtrace.Stop()
	tr, err := Read(&buf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g := tr.Goroutine(id)
	if g == nil {
		t.Fatalf("goroutine %d is not in the trace", id)
	}
	ivs := g.Intervals
	if len(ivs) == 0 || ivs[0].Start != 0 || !ivs[0].State.Blocked() || ivs[0].End < 15*time.Millisecond {
		t.Errorf("intervals %+v, want blocked from 0 for about 20ms", ivs)
	}
}

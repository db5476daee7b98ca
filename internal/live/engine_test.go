package live

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conclab/conclab/internal/engine"
)

func TestPersistence(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		code, stdout, result string
	}{
		{code: "x := 41"},
		{code: "fmt.Println(x+1)", stdout: "42\n"},
		{code: "x * 2", result: "82"},
		{code: "func double(n int) int { return 2 * n }\ntype point struct{ X, Y int }"},
		{code: "p := point{double(x), 1}\nfmt.Printf(\"%+v\\n\", p)", stdout: "{X:82 Y:1}\n"},
		{code: "import \"strings\"\nvar s = strings.Repeat(\"ab\", 2)\ns", result: `"abab"`},
		{code: "len(s) + p.Y", result: "5"},
	}
	for _, tt := range tests {
		out := mustRun(t, e, tt.code)
		if got := out.Stdout(); got != tt.stdout {
			t.Errorf("%q: stdout = %q, want %q", tt.code, got, tt.stdout)
		}
		var want []string
		if tt.result != "" {
			want = []string{tt.result}
		}
		if got := out.Results(); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%q: results = %q, want %q", tt.code, got, want)
		}
	}
}

func TestGoroutinesAcrossCells(t *testing.T) {
	e := newTestEngine(t)
	out := mustRun(t, e, `ch := make(chan int)
stop := make(chan struct{})
done := make(chan struct{})
go func() {
	defer close(done)
	n := 0
	for {
		select {
		case ch <- n:
			n++
		case <-stop:
			fmt.Println("producer stopped")
			return
		}
	}
}()`)
	if got := out.Stderr(); !strings.Contains(got, "1 goroutine from live cells is still running") {
		t.Errorf("after starting the producer, stderr = %q, want the leak note", got)
	}
	out = mustRun(t, e, "fmt.Println(<-ch, <-ch, <-ch)")
	if got := out.Stdout(); got != "0 1 2\n" {
		t.Errorf("reading the channel: stdout = %q", got)
	}
	out = mustRun(t, e, "close(stop)\n<-done")
	if got := out.Stdout(); got != "producer stopped\n" {
		t.Errorf("stopping the producer: stdout = %q", got)
	}
	// The producer may still be on its way out when the count is taken.
	eventually(t, "no goroutine left", func() bool {
		return !strings.Contains(mustRun(t, e, `_ = 0`).Stderr(), "still running")
	})
}

func TestOutputBetweenCellsGoesToLatestCell(t *testing.T) {
	e := newTestEngine(t)
	mustRun(t, e, "tick := make(chan bool)\ngo func() { for range tick { fmt.Println(\"tick\") } }()")
	second := mustRun(t, e, "_ = 1")
	mustRun(t, e, "tick <- true") // the print may land after this cell ends ...
	third := mustRun(t, e, "tick <- true\nclose(tick)")
	_ = second
	// ... but never before the cell that caused it: the first tick is in the
	// third cell's recorder or the one before, the second in the third's.
	eventually(t, "the ticks", func() bool { return strings.Count(third.Stdout(), "tick") >= 1 })
	if strings.Contains(second.Stdout(), "tick") {
		t.Errorf("a cell that ran before any tick got %q", second.Stdout())
	}
}

func TestUnsupportedConstruct(t *testing.T) {
	e := newTestEngine(t)
	mustRun(t, e, "n := 3")
	_, ce := run(t, e, "fmt.Println(n)\nfmt.Println(min(n, 2))")
	if ce == nil || ce.Name != "NotInLive" {
		t.Fatalf("min builtin: got %+v, want a NotInLive error", ce)
	}
	for _, want := range []string{"line 2", "the built-in min", "without %live"} {
		if !strings.Contains(strings.Join(ce.Traceback, "\n"), want) {
			t.Errorf("traceback %q lacks %q", ce.Traceback, want)
		}
	}
	// The session is untouched.
	if got := mustRun(t, e, "n").Results(); len(got) != 1 || got[0] != "3" {
		t.Errorf("after the rejected cell, n = %q", got)
	}
}

func TestInterpreterPanicBecomesError(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct{ code, name, value string }{
		{`panic("boom")`, "panic", "boom"},
		{"var s []int\n_ = s[3]", "panic", "index out of range"},
		{"undefinedThing + 1", "CompileError", "line 1: undefined: undefinedThing"},
	}
	for _, tt := range tests {
		_, ce := run(t, e, tt.code)
		if ce == nil || ce.Name != tt.name || !strings.Contains(ce.Value, tt.value) {
			t.Errorf("%q: got %+v, want %s containing %q", tt.code, ce, tt.name, tt.value)
		}
	}
	mustRun(t, e, "x := 1")
	if got := mustRun(t, e, "x").Results(); len(got) != 1 || got[0] != "1" {
		t.Errorf("after errors, the session does not work: %q", got)
	}
}

func TestCrashRecovery(t *testing.T) {
	tests := []struct {
		name, code, errName, value string
	}{
		{"panic in goroutine", "go func() { panic(\"kaboom\") }()\nselect {}", "panic", "kaboom"},
		{"os.Exit", "os.Exit(3)", "WorkerExited", "the live worker exited with status 3"},
		{"killed", "p, _ := os.FindProcess(os.Getpid())\np.Kill()\nselect {}", "WorkerExited", "the live worker was killed by signal 9 (SIGKILL)"},
		{"fatal error", "m := map[int]int{}\nfor i := 0; i < 4; i++ {\n\tgo func() { for j := 0; ; j++ { m[j%10] = j } }()\n}\nselect {}", "fatal error", "concurrent map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEngine(t)
			mustRun(t, e, "x := 41")
			out, ce := run(t, e, tt.code)
			if ce == nil || ce.Name != tt.errName || !strings.Contains(ce.Value, tt.value) {
				t.Fatalf("got %+v (stderr %q), want %s containing %q", ce, out.Stderr(), tt.errName, tt.value)
			}
			if last := ce.Traceback[len(ce.Traceback)-1]; last != restartedNote {
				t.Errorf("last traceback line = %q, want %q", last, restartedNote)
			}
			if got := mustRun(t, e, `fmt.Println("alive")`).Stdout(); got != "alive\n" {
				t.Errorf("next cell: stdout = %q", got)
			}
			if _, ce := run(t, e, "x"); ce == nil || !strings.Contains(ce.Value, "undefined: x") {
				t.Errorf("variables survived the restart: %+v", ce)
			}
		})
	}
}

func TestCrashBetweenCells(t *testing.T) {
	e := newTestEngine(t)
	out := mustRun(t, e, "go func() {\n\ttime.Sleep(20 * time.Millisecond)\n\tpanic(\"later\")\n}()")
	eventually(t, "the crash report", func() bool { return strings.Contains(out.Stderr(), restartedNote) })
	if got := out.Stderr(); !strings.Contains(got, "panic: later") {
		t.Errorf("stderr = %q, want the panic", got)
	}
	if got := mustRun(t, e, `fmt.Println("alive")`).Stdout(); got != "alive\n" {
		t.Errorf("next cell: stdout = %q", got)
	}
}

// interruptWhileRunning runs code and interrupts it once it runs.
func interruptWhileRunning(t *testing.T, e *Engine, code string) (*recorder, *engine.Error) {
	t.Helper()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				if e.Interrupt() {
					return
				}
			}
		}
	}()
	out, ce := run(t, e, code)
	close(stop)
	wg.Wait()
	return out, ce
}

func TestInterrupt(t *testing.T) {
	e := newTestEngine(t)
	mustRun(t, e, "x := 41\nn := 0")
	_, ce := interruptWhileRunning(t, e, "for {\n\tn++\n}")
	if ce == nil || ce.Name != "Interrupted" {
		t.Fatalf("got %+v, want Interrupted", ce)
	}
	if strings.Contains(strings.Join(ce.Traceback, "\n"), restartedNote) {
		t.Errorf("a loop that stopped restarted the worker: %q", ce.Traceback)
	}
	if got := mustRun(t, e, "x").Results(); len(got) != 1 || got[0] != "41" {
		t.Errorf("after the interrupt, x = %q", got)
	}
	if e.Interrupt() {
		t.Error("Interrupt with no cell running reported one")
	}
}

func TestInterruptBlockedCellRestarts(t *testing.T) {
	e := newTestEngine(t)
	mustRun(t, e, "x := 41")
	_, ce := interruptWhileRunning(t, e, "var mu sync.Mutex\nmu.Lock()\nmu.Lock()")
	if ce == nil || ce.Name != "Interrupted" || !strings.Contains(ce.Value, "could not be stopped") {
		t.Fatalf("got %+v, want an Interrupted error saying the cell could not be stopped", ce)
	}
	if last := ce.Traceback[len(ce.Traceback)-1]; last != restartedNote {
		t.Errorf("last traceback line = %q, want %q", last, restartedNote)
	}
	if got := mustRun(t, e, "1 + 1").Results(); len(got) != 1 || got[0] != "2" {
		t.Errorf("next cell: results = %q", got)
	}
}

func TestContextCancelInterrupts(t *testing.T) {
	e := newTestEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	err := e.Execute(ctx, engine.Cell{Code: "for {}"}, &recorder{})
	ce, ok := err.(*engine.Error)
	if !ok || ce.Name != "Interrupted" {
		t.Fatalf("got %v, want Interrupted", err)
	}
}

func TestLeakReport(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct{ code, note string }{
		{"block := make(chan bool)\ngo func() { <-block }()\ngo func() { <-block }()", "2 goroutines from live cells are still running"},
		{"close(block)", ""},
	}
	for _, tt := range tests {
		out := mustRun(t, e, tt.code)
		if tt.note == "" {
			eventually(t, "the goroutines to end", func() bool {
				return !strings.Contains(mustRun(t, e, "_ = 0").Stderr(), "still running")
			})
			continue
		}
		if got := out.Stderr(); !strings.Contains(got, tt.note) {
			t.Errorf("%q: stderr = %q, want %q", tt.code, got, tt.note)
		}
	}
}

func TestDisplay(t *testing.T) {
	e := newTestEngine(t)
	out := mustRun(t, e, `gonbui.DisplayHTML("<b>live</b>")`)
	var html []string
	for _, d := range out.Displays() {
		if s, ok := d.Data["text/html"].(string); ok {
			html = append(html, s)
		}
	}
	if len(html) != 1 || !strings.Contains(html[0], "<b>live</b>") {
		t.Fatalf("displays = %+v, want the HTML", out.Displays())
	}
	out = mustRun(t, e, `gonbui.DisplayMarkdown("*again*")`)
	if len(out.Displays()) != 1 {
		t.Errorf("second display: %+v", out.Displays())
	}
	if strings.Contains(out.Stderr(), "still running") {
		t.Errorf("gonbui's reader counted as a leak: %q", out.Stderr())
	}
}

func TestReset(t *testing.T) {
	e := newTestEngine(t)
	mustRun(t, e, "x := 1")
	if err := e.Reset(); err != nil {
		t.Fatal(err)
	}
	if _, ce := run(t, e, "x"); ce == nil || !strings.Contains(ce.Value, "undefined: x") {
		t.Errorf("x survived the reset: %+v", ce)
	}
	if names := e.Names(); len(names) != 0 {
		t.Errorf("names after reset: %q", names)
	}
}

func TestCompleteLiveNames(t *testing.T) {
	e := newTestEngine(t)
	mustRun(t, e, "counter := 0\nconst cap2 = 2\nfunc countUp() { counter++ }\ntype counterT int")
	tests := []struct {
		code   string
		cursor int
		want   []string
		start  int
	}{
		{"cou", 3, []string{"countUp", "counter", "counterT"}, 0},
		{"x := cap", 8, []string{"cap2"}, 5},
		{"fmt.Pr", 6, nil, 6},
		{"é := coun", 9, []string{"countUp", "counter", "counterT"}, 5},
	}
	for _, tt := range tests {
		got, start, end := e.Complete(context.Background(), tt.code, tt.cursor)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") || start != tt.start || end != tt.cursor {
			t.Errorf("Complete(%q, %d) = %q, %d, %d; want %q, %d, %d", tt.code, tt.cursor, got, start, end, tt.want, tt.start, tt.cursor)
		}
	}
}

func TestClose(t *testing.T) {
	e := New(Options{Binary: workerBinary, TempDir: t.TempDir()})
	mustRun(t, e, "go func() { select {} }()")
	e.mu.Lock()
	pid := e.proc.pid
	e.mu.Unlock()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if processAlive(pid) {
		t.Errorf("worker %d still alive after Close", pid)
	}
	if err := e.Execute(context.Background(), engine.Cell{Code: "1"}, &recorder{}); err == nil {
		t.Error("Execute after Close succeeded")
	}
}

func TestLoopVariablePerIteration(t *testing.T) {
	e := newTestEngine(t)
	out := mustRun(t, e, `var fs []func() int
for i := 0; i < 3; i++ {
	fs = append(fs, func() int { return i })
}
var ps []*string
for _, s := range []string{"a", "b", "c"} {
	ps = append(ps, &s)
}
for _, f := range fs {
	fmt.Print(f())
}
for _, p := range ps {
	fmt.Print(*p)
}`)
	if got := out.Stdout(); got != "012abc" {
		t.Errorf("stdout = %q, want %q (Go 1.22 loop variables)", got, "012abc")
	}
}

func TestStdin(t *testing.T) {
	e := newTestEngine(t)
	out := &recorder{inputs: []string{"gopher"}}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := e.Execute(ctx, engine.Cell{Code: "var name string\nfmt.Scanln(&name)\nfmt.Println(\"hello\", name)"}, out); err != nil {
		t.Fatal(err)
	}
	if got := out.Stdout(); got != "hello gopher\n" {
		t.Errorf("stdout = %q", got)
	}
	// A frontend without input: the read sees end of file, with a notice.
	out = mustRun(t, e, "_, err := fmt.Scanln(&name)\nfmt.Println(err)")
	if got := out.Stdout(); got != "EOF\n" && got != "unexpected newline\n" {
		t.Errorf("stdout = %q, want EOF", got)
	}
	if !strings.Contains(out.Stderr(), "does not allow input") {
		t.Errorf("stderr = %q, want the notice", out.Stderr())
	}
}

func TestTypeRedefinition(t *testing.T) {
	e := newTestEngine(t)
	cell := "type point struct{ X, Y int }"
	mustRun(t, e, cell)
	mustRun(t, e, cell) // running a cell again is fine
	_, ce := run(t, e, "type point struct {\n\tX, Y, Z int\n}")
	if ce == nil || ce.Name != "NotInLive" || !strings.Contains(ce.Value, "type point") {
		t.Errorf("changing a type: got %+v, want NotInLive", ce)
	}
}

func TestDemosAndPlots(t *testing.T) {
	e := newTestEngine(t)
	out := mustRun(t, e, `rec, err := demos.ForEach(context.Background(), 2, 4, func(t *demos.T, job int) error {
	t.SetResult(job * job)
	return nil
})
if err != nil {
	panic(err)
}
fmt.Println(len(rec.Tasks))
if err := plots.Timeline(rec).Show(); err != nil {
	panic(err)
}`)
	if got := out.Stdout(); got != "4\n" {
		t.Errorf("stdout = %q, want 4 tasks", got)
	}
	shown := false
	for _, d := range out.Displays() {
		for mime := range d.Data {
			shown = shown || strings.HasPrefix(mime, "image/")
		}
	}
	if !shown {
		t.Errorf("no image among the displays %d", len(out.Displays()))
	}
}

func TestLanguageCoverage(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct{ code, stdout string }{
		{"var v any = 3.5\nswitch x := v.(type) {\ncase int:\n\tfmt.Println(\"int\", x)\ncase float64:\n\tfmt.Println(\"float\", x)\n}", "float 3.5\n"},
		{"ch := make(chan int, 1)\nselect {\ncase n := <-ch:\n\tfmt.Println(n)\ndefault:\n\tfmt.Println(\"empty\")\n}", "empty\n"},
		{"outer:\nfor i := 0; i < 2; i++ {\n\tfor j := 0; j < 2; j++ {\n\t\tif j == 1 {\n\t\t\tcontinue outer\n\t\t}\n\t\tfmt.Print(i, j, \" \")\n\t}\n}\nfmt.Println()", "0 0 1 0 \n"},
		{"func safe() (err error) {\n\tdefer func() {\n\t\tif r := recover(); r != nil {\n\t\t\terr = fmt.Errorf(\"recovered: %v\", r)\n\t\t}\n\t}()\n\tpanic(\"oops\")\n}\nfmt.Println(safe())", "recovered: oops\n"},
		{"results := make(chan int)\nvar wg sync.WaitGroup\nfor w := 1; w <= 3; w++ {\n\twg.Add(1)\n\tgo func() { defer wg.Done(); results <- w * w }()\n}\ngo func() { wg.Wait(); close(results) }()\nsum := 0\nfor r := range results {\n\tsum += r\n}\nfmt.Println(sum)", "14\n"},
		{"var c atomic.Int64\nvar wg2 sync.WaitGroup\nfor i := 0; i < 50; i++ {\n\twg2.Go(func() { c.Add(1) })\n}\nwg2.Wait()\nfmt.Println(c.Load())", "50\n"},
		{"g, gctx := errgroup.WithContext(context.Background())\ng.Go(func() error { <-gctx.Done(); return nil })\ng.Go(func() error { return errors.New(\"fail\") })\nfmt.Println(g.Wait())", "fail\n"},
		{"ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)\ndefer cancel()\n<-ctx.Done()\nfmt.Println(ctx.Err())", "context deadline exceeded\n"},
	}
	for _, tt := range tests {
		if got := mustRun(t, e, tt.code).Stdout(); got != tt.stdout {
			t.Errorf("%q: stdout = %q, want %q", tt.code, got, tt.stdout)
		}
	}
}

func TestRangeRewrites(t *testing.T) {
	e := newTestEngine(t)
	mustRun(t, e, "n := 3\nvar big int64 = 2")
	tests := []struct{ name, code, stdout string }{
		{"int literal", "for i := range 3 {\n\tfmt.Print(i)\n}", "012"},
		{"session int, no variable", "c := 0\nfor range n {\n\tc++\n}\nfmt.Print(c)", "3"},
		{"typed int keeps its type", "for i := range big {\n\tvar x int64 = i\n\tfmt.Print(x)\n}", "01"},
		{"bound evaluated once", "m := 2\nfor i := range m {\n\tm = 10\n\tfmt.Print(i)\n}", "01"},
		{"assigning the variable does not skip", "for i := range 3 {\n\tfmt.Print(i)\n\ti += 5\n}", "012"},
		{"closures see their iteration", "var fs []func() int\nfor i := range 3 {\n\tfs = append(fs, func() int { return i })\n}\nfor _, f := range fs {\n\tfmt.Print(f())\n}", "012"},
		{"labeled continue", "outer:\nfor i := range 2 {\n\tfor j := range 2 {\n\t\tif j == 1 {\n\t\t\tcontinue outer\n\t\t}\n\t\tfmt.Print(i, j, \" \")\n\t}\n}", "0 0 1 0 "},
		{"func literal iterator", "for x := range func(yield func(int) bool) {\n\tfor i := 0; i < 3; i++ {\n\t\tif !yield(i * i) {\n\t\t\treturn\n\t\t}\n\t}\n} {\n\tfmt.Print(x, \" \")\n}", "0 1 4 "},
		{"declared iterator, break and continue", "func count(n int) func(func(int) bool) {\n\treturn func(yield func(int) bool) {\n\t\tfor i := 0; i < n; i++ {\n\t\t\tif !yield(i) {\n\t\t\t\tfmt.Print(\"stopped \")\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}\n}\nfor x := range count(10) {\n\tif x == 1 {\n\t\tcontinue\n\t}\n\tswitch {\n\tcase x > 3:\n\t\tbreak\n\t}\n\tif x == 5 {\n\t\tbreak\n\t}\n\tfmt.Print(x, \" \")\n}", "0 2 3 4 stopped "},
		{"two values", "func pairs(yield func(string, int) bool) {\n\t_ = yield(\"a\", 1) && yield(\"b\", 2)\n}\nfor k, v := range pairs {\n\tfmt.Print(k, v, \" \")\n}", "a1 b2 "},
		{"iterator call from an earlier cell", "for x := range count(3) {\n\tfmt.Print(x, \" \")\n}", "0 1 2 "},
		{"iterator function from an earlier cell", "for k := range pairs {\n\tfmt.Print(k)\n}", "ab"},
		{"iterator variable from an earlier cell", "evens := func(yield func(int) bool) {\n\t_ = yield(0) && yield(2)\n}", ""},
		{"ranging over it", "for v := range evens {\n\tfmt.Print(v)\n}", "02"},
		{"key only and assignment", "func pairs2(yield func(string, int) bool) {\n\t_ = yield(\"a\", 1) && yield(\"b\", 2)\n}\nvar last string\nfor last = range pairs2 {\n}\nfmt.Print(last)", "b"},
		{"labeled break of the iterator", "seq := func(yield func(int) bool) {\n\tfor i := 0; ; i++ {\n\t\tif !yield(i) {\n\t\t\treturn\n\t\t}\n\t}\n}\nloop:\nfor x := range seq {\n\tfor j := range 2 {\n\t\tif x == 2 {\n\t\t\tbreak loop\n\t\t}\n\t\tfmt.Print(x, j, \" \")\n\t}\n}", "0 0 0 1 1 0 1 1 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustRun(t, e, tt.code).Stdout(); got != tt.stdout {
				t.Errorf("stdout = %q, want %q", got, tt.stdout)
			}
		})
	}
	// An error inside a rewritten loop names the student's line.
	_, ce := run(t, e, "for i := range 2 {\n\tfmt.Print(i)\n\tundefinedName++\n}")
	if ce == nil || !strings.Contains(strings.Join(append([]string{ce.Value}, ce.Traceback...), "\n"), "3:") {
		t.Errorf("error in a rewritten loop = %+v, want it on line 3", ce)
	}
}

// yaegi's own inference fails these shapes (it binds U to int, or finds no
// type for T); the type arguments go/types infers are written in for it.
func TestGenericInference(t *testing.T) {
	e := newTestEngine(t)
	mustRun(t, e, "func Map[T, U any](xs []T, f func(T) U) []U {\n\tvar out []U\n\tfor _, x := range xs {\n\t\tout = append(out, f(x))\n\t}\n\treturn out\n}")
	mustRun(t, e, "type Number interface {\n\t~int | ~float64\n}\n\nfunc Sum[T Number](xs ...T) T {\n\tvar s T\n\tfor _, x := range xs {\n\t\ts += x\n\t}\n\treturn s\n}")
	tests := []struct{ name, code, stdout string }{
		{"two type parameters from an earlier cell", "fmt.Println(Map([]int{1, 2, 3}, func(i int) string { return fmt.Sprint(i * 2) }))", "[2 4 6]\n"},
		{"nested calls", "fmt.Println(Map(Map([]int{1, 2}, func(i int) float64 { return float64(i) / 2 }), func(f float64) string { return fmt.Sprint(f) }))", "[0.5 1]\n"},
		{"constraint with ~ and untyped constants", "fmt.Println(Sum(1, 2, 3), Sum(1.5, 2))", "6 3.5\n"},
		{"a named type of the session", "type Celsius float64\nfmt.Println(Sum(Celsius(1), 2.5))", "3.5\n"},
		{"spread slice", "xs := []int{4, 5}\nfmt.Println(Sum(xs...))", "9\n"},
		{"declared and called in one cell", "func Keys[K comparable, V any](m map[K]V) []K {\n\tvar ks []K\n\tfor k := range m {\n\t\tks = append(ks, k)\n\t}\n\treturn ks\n}\nfmt.Println(len(Keys(map[string]bool{\"a\": true, \"b\": false})))", "2\n"},
		{"generic type with methods", "type Stack[T any] struct{ items []T }\n\nfunc (s *Stack[T]) Push(x T) { s.items = append(s.items, x) }\n\nfunc (s *Stack[T]) Pop() T {\n\tx := s.items[len(s.items)-1]\n\ts.items = s.items[:len(s.items)-1]\n\treturn x\n}\nvar st Stack[string]\nst.Push(\"a\")\nst.Push(\"b\")\nfmt.Println(st.Pop(), Map(st.items, func(s string) int { return len(s) }))", "b [1]\n"},
		{"explicit type arguments still work", "fmt.Println(Map[int, bool]([]int{0, 1}, func(i int) bool { return i > 0 }))", "[false true]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustRun(t, e, tt.code).Stdout(); got != tt.stdout {
				t.Errorf("stdout = %q, want %q", got, tt.stdout)
			}
		})
	}
}

// Live cells have the standard library of the Go that built conclab, not
// only yaegi's (Go 1.22), and iter's generic types as the function types
// they name.
func TestNewerStandardLibrary(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct{ name, code, stdout string }{
		{"strings.Lines (Go 1.24)", "for l := range strings.Lines(\"a\\nb\\n\") {\n\tfmt.Printf(\"%q \", l)\n}", `"a\n" "b\n" `},
		{"strings.SplitSeq", "for p := range strings.SplitSeq(\"x,y\", \",\") {\n\tfmt.Print(p)\n}", "xy"},
		{"math/rand/v2 binds rand", "import \"math/rand/v2\"\nfmt.Println(rand.IntN(1))", "0\n"},
		{"testing/synctest", "import \"testing/synctest\"\nfmt.Println(synctest.Wait != nil)", "true\n"},
		{"WaitGroup.Go (Go 1.25)", "var wg sync.WaitGroup\nwg.Go(func() { fmt.Print(\"went\") })\nwg.Wait()", "went"},
		{"iter without an import", "var evens iter.Seq[int] = func(yield func(int) bool) {\n\t_ = yield(0) && yield(2)\n}\nfor v := range evens {\n\tfmt.Print(v)\n}", "02"},
		{"iter.Seq result", "import \"iter\"\n\nfunc Count(n int) iter.Seq[int] {\n\treturn func(yield func(int) bool) {\n\t\tfor i := 0; i < n; i++ {\n\t\t\tif !yield(i) {\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}\n}\nfor v := range Count(3) {\n\tfmt.Print(v)\n}", "012"},
		{"ranging over it in a later cell", "for v := range Count(2) {\n\tfmt.Print(v)\n}", "01"},
		{"iter.Seq2 variable", "var pairs iter.Seq2[string, []int] = func(yield func(string, []int) bool) {\n\tyield(\"a\", []int{1})\n}\nfor k, v := range pairs {\n\tfmt.Print(k, v)\n}", "a[1]"},
		{"nested", "var nested iter.Seq[iter.Seq[int]] = func(yield func(iter.Seq[int]) bool) {\n\tyield(Count(2))\n}\nfor s := range nested {\n\tfor v := range s {\n\t\tfmt.Print(v)\n\t}\n}", "01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustRun(t, e, tt.code).Stdout(); got != tt.stdout {
				t.Errorf("stdout = %q, want %q", got, tt.stdout)
			}
		})
	}
}

// Shapes yaegi runs wrong as written, rewritten into ones it runs right.
func TestInterpreterFixes(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct{ name, code, stdout string }{
		{"return of a receive", "func recv() int {\n\tch := make(chan int, 1)\n\tch <- 7\n\treturn <-ch\n}\nfmt.Println(recv())", "7\n"},
		{"return of a receive and more", "func recv2() (string, bool) {\n\tch := make(chan string, 1)\n\tch <- \"s\"\n\treturn <-ch, true\n}\nfmt.Println(recv2())", "s true\n"},
		{"closure to WaitGroup.Go sees its iteration", "var mu sync.Mutex\nvar got []int\nvar wg sync.WaitGroup\nfor g := range 3 {\n\twg.Go(func() {\n\t\tmu.Lock()\n\t\tgot = append(got, g)\n\t\tmu.Unlock()\n\t})\n}\nwg.Wait()\nsort.Ints(got)\nfmt.Println(got)", "[0 1 2]\n"},
		{"and a variable of the body", "var mu2 sync.Mutex\nvar sq []int\nvar wg2 sync.WaitGroup\nfor i := 0; i < 3; i++ {\n\ts := i * i\n\twg2.Go(func() {\n\t\tmu2.Lock()\n\t\tsq = append(sq, s)\n\t\tmu2.Unlock()\n\t})\n}\nwg2.Wait()\nsort.Ints(sq)\nfmt.Println(sq)", "[0 1 4]\n"},
		{"errgroup", "g, _ := errgroup.WithContext(context.Background())\nres := make([]int, 3)\nfor i := range 3 {\n\tg.Go(func() error {\n\t\tres[i] = i * 10\n\t\treturn nil\n\t})\n}\nfmt.Println(g.Wait(), res)", "<nil> [0 10 20]\n"},
		{"a variable the closure changes stays shared", "total := 0\nfor i := range 3 {\n\tx := i\n\tfunc(f func()) { f() }(func() {\n\t\tx++\n\t\ttotal += x\n\t})\n}\nfmt.Println(total)", "6\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustRun(t, e, tt.code).Stdout(); got != tt.stdout {
				t.Errorf("stdout = %q, want %q", got, tt.stdout)
			}
		})
	}
}

// yaegi keeps the functions of a cell that did not compile, with empty
// bodies: calling one did nothing, silently. It is refused until a cell
// declares it again.
func TestFunctionOfAFailedCellIsRefused(t *testing.T) {
	e := newTestEngine(t)
	if _, ce := run(t, e, "func usesMissing() { missing() }\n\nfunc hello() { fmt.Println(\"hi\") }"); ce == nil || ce.Name != "CompileError" {
		t.Fatalf("the cell compiled: %v", ce)
	}
	_, ce := run(t, e, "hello()")
	if ce == nil || !strings.Contains(ce.Value, "hello was declared by a live cell that did not compile") {
		t.Fatalf("calling hello = %v, want it refused", ce)
	}
	mustRun(t, e, "func hello() { fmt.Println(\"hi\") }")
	if got := mustRun(t, e, "hello()").Stdout(); got != "hi\n" {
		t.Errorf("after hello is declared again it prints %q", got)
	}
}

func TestDeadlock(t *testing.T) {
	e := newTestEngine(t)
	// A stopped ticker must not hide later deadlocks.
	mustRun(t, e, "kept := 7\ntk := make(chan bool)\ngo func() {\n\tt := time.NewTicker(time.Millisecond)\n\tdefer t.Stop()\n\t<-t.C\n\ttk <- true\n}()\n<-tk")
	tests := []struct {
		name   string
		code   string
		stdout string // of a cell that must not be stopped
		want   []string
	}{
		{name: "send nobody receives", code: "ch := make(chan int)\nch <- 1",
			want: []string{"deadlock: every goroutine of this session is blocked", "the cell at line 2: blocked in a channel send", "variables stay"}},
		{name: "goroutines waiting on each other", code: "a, b := make(chan int), make(chan int)\ngo func() {\n\t<-a\n\tb <- 1\n}()\n<-b",
			want: []string{"the cell at line 6: blocked", "(started by a live cell) at line 3: blocked"}},
		{name: "a worker function of a declared func", code: "func waiter(c chan int) {\n\tc <- <-c\n}\nc0 := make(chan int)\ngo waiter(c0)\nselect {}",
			want: []string{"the cell at line 6: blocked in a channel", "(started by a live cell) at line 2: blocked"}},
		{name: "mutex locked twice", code: "var mu sync.Mutex\nmu.Lock()\nmu.Lock()",
			want: []string{"the cell at line 3: blocked in sync.Mutex.Lock", "variables are gone"}},
		{name: "a sleeping goroutine sends later", code: "c1 := make(chan int)\ngo func() { time.Sleep(1500 * time.Millisecond); c1 <- 1 }()\nfmt.Println(<-c1)", stdout: "1\n"},
		{name: "a computing goroutine sends later", code: "c2 := make(chan int)\ngo func() {\n\tstart := time.Now()\n\tn := 0\n\tfor time.Since(start) < 1500*time.Millisecond {\n\t\tn++\n\t}\n\tc2 <- 2\n}()\nfmt.Println(<-c2)", stdout: "2\n"},
		{name: "a pending timer", code: "<-time.After(1500 * time.Millisecond)\nfmt.Println(\"timer\")", stdout: "timer\n"},
		{name: "a ticker ticks later", code: "tick := time.NewTicker(1200 * time.Millisecond)\n<-tick.C\ntick.Stop()\nfmt.Println(\"tick\")", stdout: "tick\n"},
		{name: "a context deadline", code: "ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)\n<-ctx.Done()\ncancel()\nfmt.Println(ctx.Err())", stdout: "context deadline exceeded\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, ce := run(t, e, tt.code)
			if tt.want == nil {
				if ce != nil {
					t.Fatalf("error = %+v, want none: not a deadlock", ce)
				}
				if got := out.Stdout(); got != tt.stdout {
					t.Errorf("stdout = %q, want %q", got, tt.stdout)
				}
				return
			}
			if ce == nil || ce.Name != "Deadlock" {
				t.Fatalf("error = %+v, want a Deadlock", ce)
			}
			msg := strings.Join(append([]string{ce.Value}, ce.Traceback...), "\n")
			if strings.Contains(msg, "goroutine 1 ") {
				t.Errorf("message %q names the worker's main goroutine", msg)
			}
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q lacks %q", msg, w)
				}
			}
			if got := mustRun(t, e, "fmt.Println(\"next\")").Stdout(); got != "next\n" {
				t.Errorf("the next cell printed %q", got)
			}
		})
	}
}

func TestInterpreterFailureRestarts(t *testing.T) {
	e := newTestEngine(t)
	// Ranging over a call's result of a session type (whose type prepare
	// does not carry between cells) gets past the checks and the rewrite,
	// and makes yaegi itself panic.
	mustRun(t, e, "type count int\nfunc three() count { return 3 }")
	_, ce := run(t, e, "for i := range three() {\n\tfmt.Println(i)\n}")
	if ce == nil || ce.Name != "InterpreterError" {
		t.Fatalf("got %+v, want InterpreterError", ce)
	}
	if last := ce.Traceback[len(ce.Traceback)-1]; last != restartedNote {
		t.Errorf("last traceback line = %q, want %q", last, restartedNote)
	}
	if got := mustRun(t, e, `fmt.Println("fresh")`).Stdout(); got != "fresh\n" {
		t.Errorf("next cell: stdout = %q", got)
	}
}

func TestCloseWhileRunning(t *testing.T) {
	e := New(Options{Binary: workerBinary, TempDir: t.TempDir()})
	mustRun(t, e, "n := 0")
	done := make(chan error, 1)
	go func() { done <- e.Execute(context.Background(), engine.Cell{Code: "for {\n\tn++\n}"}, &recorder{}) }()
	eventually(t, "the cell to run", func() bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.running != nil
	})
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err == nil {
		t.Error("the running cell succeeded although the engine closed")
	}
}

func TestMissingWorkerIsACellError(t *testing.T) {
	missing := filepath.Join(t.TempDir(), WorkerName)
	e := New(Options{Binary: missing, TempDir: t.TempDir()})
	defer e.Close()
	_, ce := run(t, e, "x := 1")
	if ce == nil || ce.Name != "LiveUnavailable" || !strings.Contains(ce.Value, missing) {
		t.Fatalf("got %+v, want LiveUnavailable naming %s", ce, missing)
	}
	// Once the worker is there, the same engine runs cells.
	if err := os.Symlink(workerBinary, missing); err != nil {
		t.Fatal(err)
	}
	if got := mustRun(t, e, "fmt.Println(1)").Stdout(); got != "1\n" {
		t.Errorf("stdout = %q", got)
	}
}

func TestWorkerRefusesToRunByHand(t *testing.T) {
	var stderr strings.Builder
	cmd := exec.Command(workerBinary)
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("run by hand: %v, want exit status 2", err)
	}
	if !strings.Contains(stderr.String(), "not by hand") {
		t.Errorf("stderr = %q", stderr.String())
	}
}

func TestMalformedDisplayIsReported(t *testing.T) {
	e := newTestEngine(t)
	// 0xf7 would introduce a message count of nine bytes: gob has no such thing.
	out := mustRun(t, e, `f, err := os.OpenFile(os.Getenv("GONB_PIPE"), os.O_WRONLY, 0)
if err != nil {
	panic(err)
}
f.Write([]byte{0xf7})
f.Close()`)
	eventually(t, "the notice under the cell", func() bool {
		return strings.Contains(out.Stderr(), "displays of this live session are off until it restarts")
	})
	if got := mustRun(t, e, `fmt.Println("still here")`).Stdout(); got != "still here\n" {
		t.Errorf("next cell: stdout = %q", got)
	}
}

// Live cells grade exercises with check: a right answer passes, and a
// deadlocked one fails without hanging the cell.
func TestCheckInLiveCells(t *testing.T) {
	e := newTestEngine(t)
	out := mustRun(t, e, `ok := check.Run("counter", check.Options{Runs: 5}, func(c *check.C) {
	var mu sync.Mutex
	n := 0
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); mu.Lock(); n++; mu.Unlock() }()
	}
	wg.Wait()
	if n != 4 {
		c.Errorf("n = %d", n)
	}
})
stuck := check.Run("stuck", check.Options{Runs: 2, Timeout: 200 * time.Millisecond}, func(c *check.C) {
	ch := make(chan int)
	ch <- 1
})
fmt.Println(ok.OK(), stuck.OK(), stuck.Failed()[check.Stuck] > 0)`)
	if got := out.Stdout(); got != "true false true\n" {
		t.Errorf("stdout = %q, want the right answer passed and the stuck one failed", got)
	}
}

func TestTraceAndTime(t *testing.T) {
	e := New(Options{Binary: workerBinary, TempDir: t.TempDir(), Dir: t.TempDir()})
	t.Cleanup(func() { e.Close() })
	cell := func(c engine.Cell) *recorder {
		t.Helper()
		out := &recorder{}
		if err := e.Execute(context.Background(), c, out); err != nil {
			t.Fatalf("cell [%d]: %v\nstderr: %s", c.ID, err, out.Stderr())
		}
		return out
	}
	cell(engine.Cell{ID: 1, Code: "ch := make(chan int)\ngo func() {\n\tfor v := range ch {\n\t\tfmt.Println(\"got\", v)\n\t}\n}()"})
	out := cell(engine.Cell{ID: 2, Code: "done := make(chan bool)\nfor range 2 {\n\tgo func() { done <- true }()\n}\nch <- 1\n<-done\n<-done",
		Settings: engine.Settings{Trace: true, TraceTitle: "two goroutines and a receiver", Time: true}})
	if !regexp.MustCompile(`(?m)^got 1\n%time: wall \S+, user \S+, sys \S+, \d+\.\d\d cores busy on average, max RSS \d+\.\d MB\n$`).MatchString(out.Stdout()) {
		t.Errorf("stdout = %q, want the cell's line and %%time's", out.Stdout())
	}
	ds := out.Displays()
	if len(ds) != 2 || ds[0].Data["image/png"] == nil {
		t.Fatalf("displays = %d, want the picture and its summary", len(ds))
	}
	summary := fmt.Sprint(ds[1].Data["text/plain"])
	for _, want := range []string{"two goroutines and a receiver", "the cell", "cell [1] line 3", " line 3,", "channel waits show as select"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	// The two goroutines of the cell, the receiver of cell 1 and the
	// cell's own: the interpreter's and the worker's are left out.
	if lanes := regexp.MustCompile(`g\d+ line 3\b`).FindAllString(summary, -1); len(lanes) != 2 {
		t.Errorf("lanes of the go statement at line 3: %q, want 2\n%s", lanes, summary)
	}
	if strings.Contains(summary, "interp.") || strings.Contains(summary, "worker") || strings.Contains(summary, "main included") {
		t.Errorf("summary names the interpreter's goroutines:\n%s", summary)
	}
	if files, _ := filepath.Glob(filepath.Join(e.opt.TempDir, "*.trace")); len(files) > 0 {
		t.Errorf("trace files left: %q", files)
	}
	// Without the settings, a cell shows neither.
	if out := cell(engine.Cell{ID: 3, Code: "ch <- 2"}); len(out.Displays()) != 0 || strings.Contains(out.Stdout(), "%time") {
		t.Errorf("an unmeasured cell showed %d displays and %q", len(out.Displays()), out.Stdout())
	}
}

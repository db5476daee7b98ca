package compiled

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/workspace"
)

// recorder is an engine.Output that keeps everything a run produced.
type recorder struct {
	mu       sync.Mutex
	stdout   strings.Builder
	stderr   strings.Builder
	displays []display.Data
	results  []map[string]any
	events   []string // "out:text" and "display:html" in arrival order
	input    func(prompt string) (string, error)
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "stdout" {
		r.stdout.WriteString(text)
		r.events = append(r.events, "out:"+text)
	} else {
		r.stderr.WriteString(text)
	}
}

func (r *recorder) Display(d display.Data) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.displays = append(r.displays, d)
	r.events = append(r.events, fmt.Sprint("display:", d.Data["text/html"]))
}

func (r *recorder) Input(_ context.Context, prompt string, _ bool) (string, error) {
	if r.input == nil {
		return "", engine.ErrNoStdin
	}
	return r.input(prompt)
}

func (r *recorder) Result(data map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results = append(r.results, data)
}

func newEngine(t *testing.T) *Engine {
	t.Helper()
	if testing.Short() {
		t.Skip("builds Go programs")
	}
	ws, err := workspace.Create(t.TempDir(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Options{Workspace: ws, Grace: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func run(t *testing.T, e *Engine, id int, src string, st engine.Settings, out *recorder) error {
	t.Helper()
	c, err := cell.Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return e.Execute(ctx, engine.Cell{ID: id, Code: src, Parsed: c, Settings: st}, out)
}

func TestExecute(t *testing.T) {
	e := newEngine(t)
	tests := []struct {
		name         string
		src          string
		settings     engine.Settings
		stdout       string // exact, when set
		stdoutHas    string
		stderrHas    string
		result       string
		errName      string
		errHas       string
		tracebackHas string
	}{
		{name: "statements", src: `fmt.Println("hi")`, stdout: "hi\n"},
		{name: "declaration", src: "func twice(x int) int { return 2 * x }"},
		{name: "uses remembered", src: "fmt.Println(twice(21))", stdout: "42\n"},
		{name: "result", src: "x := []int{1, 2}\nlen(x) + 40", result: "42"},
		{name: "string result", src: `"a" + "b"`, result: `"ab"`},
		{name: "compile error line", src: "a := 1\nfmt.Println(a, nope)", errName: "CompileError", errHas: "line 2:16: undefined: nope"},
		{name: "failed cell not remembered", src: "func broken() int { return \"s\" }", errName: "CompileError"},
		{name: "after failure", src: "fmt.Println(twice(1))", stdout: "2\n"},
		{name: "panic in goroutine", src: "done := make(chan int)\ngo func() {\n\tvar s []int\n\t_ = s[3]\n\tdone <- 1\n}()\n<-done",
			errName: "panic", errHas: "index out of range", tracebackHas: "line 4"},
		{name: "deadlock", src: "var mu sync.Mutex\nmu.Lock()\nmu.Lock()", errName: "deadlock", stderrHas: "deadlock!"},
		// Cells build without cgo, so the runtime sees a deadlock even with net linked in.
		{name: "deadlock with net linked", src: "_ = net.ParseIP\nch := make(chan int)\n<-ch", errName: "deadlock", stderrHas: "deadlock!"},
		{name: "race detector", src: "n := 0\nvar wg sync.WaitGroup\nfor range 2 {\n\twg.Go(func() { n++ })\n}\nwg.Wait()",
			settings: engine.Settings{GoFlags: []string{"-race"}}, errName: "ExitError", stderrHas: "DATA RACE"},
		{name: "unknown import", src: "import \"example.com/nowhere\"\nfunc f() { nowhere.X() }", errName: "CompileError", errHas: "example.com/nowhere"},
		{name: "exit status", src: "os.Exit(4)", errName: "ExitError", errHas: "the program exited with status 4"},
		{name: "killed", src: "syscall.Kill(os.Getpid(), syscall.SIGKILL)", errName: "Killed", errHas: "the program was killed by signal 9 (SIGKILL)"},
		{name: "args and env", src: `fmt.Println(os.Args[1:], os.Getenv("CONCLAB_T"))`,
			settings: engine.Settings{Args: []string{"a", "b"}, Env: []string{"CONCLAB_T=v"}}, stdout: "[a b] v\n"},
		{name: "time", src: "s := 0\nfor i := range 50_000_000 {\n\ts += i\n}\nfmt.Println(s > 0)", settings: engine.Settings{Time: true},
			stdoutHas: "cores busy on average"},
		{name: "gomaxprocs", src: "fmt.Println(runtime.GOMAXPROCS(0))", settings: engine.Settings{GOMAXPROCS: 1}, stdout: "1\n"},
		{name: "timeout", src: "time.Sleep(time.Hour)", settings: engine.Settings{Timeout: 300 * time.Millisecond}, errName: "Timeout"},
		{name: "stdin refused", src: "var s string\n_, err := fmt.Scanln(&s)\nfmt.Println(err)", stdout: "EOF\n", stderrHas: "does not allow input"},
		{name: "display", src: `gonbui.DisplayHTML("<b>x</b>")`},
		{name: "background process holding stdout", stdout: "left\n",
			src: "c := exec.Command(\"sleep\", \"300\")\nc.Stdout = os.Stdout\nc.Start()\nfmt.Println(\"left\")"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &recorder{}
			err := run(t, e, i+1, tt.src, tt.settings, out)
			var ce *engine.Error
			if tt.errName == "" {
				if err != nil {
					t.Fatalf("error %v; stderr:\n%s", err, out.stderr.String())
				}
			} else if !errors.As(err, &ce) || ce.Name != tt.errName {
				t.Fatalf("error = %v, want a %s", err, tt.errName)
			} else {
				if !strings.Contains(ce.Value, tt.errHas) {
					t.Errorf("evalue %q lacks %q", ce.Value, tt.errHas)
				}
				if tt.tracebackHas != "" && !strings.Contains(strings.Join(ce.Traceback, "\n"), tt.tracebackHas) {
					t.Errorf("traceback lacks %q:\n%s", tt.tracebackHas, strings.Join(ce.Traceback, "\n"))
				}
			}
			if tt.stdout != "" && out.stdout.String() != tt.stdout {
				t.Errorf("stdout = %q, want %q", out.stdout.String(), tt.stdout)
			}
			if !strings.Contains(out.stdout.String(), tt.stdoutHas) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdoutHas, out.stdout.String())
			}
			if !strings.Contains(out.stderr.String(), tt.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderrHas, out.stderr.String())
			}
			switch {
			case tt.result == "" && len(out.results) > 0:
				t.Errorf("unexpected result %v", out.results)
			case tt.result != "" && (len(out.results) != 1 || out.results[0]["text/plain"] != tt.result):
				t.Errorf("results = %v, want %q", out.results, tt.result)
			}
			if tt.name == "display" && (len(out.displays) != 1 || out.displays[0].Data["text/html"] != "<b>x</b>") {
				t.Errorf("displays = %+v", out.displays)
			}
		})
	}
}

// TestExecute's cells took the toolchain's direct path, with and without
// the race detector.
func TestExecuteBuildsDirectly(t *testing.T) {
	e := newEngine(t)
	for i, flags := range [][]string{nil, {"-race"}} {
		out := &recorder{}
		if err := run(t, e, i+1, `fmt.Println("x")`, engine.Settings{GoFlags: flags}, out); err != nil {
			t.Fatalf("%v: %v", flags, err)
		}
		if _, ok := e.tc.pkgs[i]["fmt"]; !ok {
			t.Errorf("flags %q: the cell was not built directly", flags)
		}
	}
}

func TestInputAnswered(t *testing.T) {
	e := newEngine(t)
	asked := 0
	out := &recorder{input: func(string) (string, error) { asked++; return "gopher", nil }}
	if err := run(t, e, 1, "var a, b string\nfmt.Scanln(&a)\nfmt.Scanln(&b)\nfmt.Println(a, b)", engine.Settings{}, out); err != nil {
		t.Fatal(err)
	}
	if out.stdout.String() != "gopher gopher\n" || asked != 2 {
		t.Errorf("stdout %q after %d questions, want two answers", out.stdout.String(), asked)
	}
}

func TestInterruptStopsProgramAndChildren(t *testing.T) {
	e := newEngine(t)
	c, err := cell.Parse("exec.Command(\"sleep\", \"600\").Start()\nfmt.Println(\"started\")\nfor {\n}")
	if err != nil {
		t.Fatal(err)
	}
	out := &recorder{}
	done := make(chan error, 1)
	go func() { done <- e.Execute(context.Background(), engine.Cell{ID: 1, Parsed: c}, out) }()
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(func() string { out.mu.Lock(); defer out.mu.Unlock(); return out.stdout.String() }(), "started") {
		if time.Now().After(deadline) {
			t.Fatal("the program never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !e.Interrupt() {
		t.Fatal("Interrupt found nothing running")
	}
	var ce *engine.Error
	if err := <-done; !errors.As(err, &ce) || ce.Name != "Interrupted" {
		t.Fatalf("error = %v, want Interrupted", err)
	}
	if e.Interrupt() {
		t.Error("Interrupt found a program after it ended")
	}
}

func TestUnchangedCellIsNotRebuilt(t *testing.T) {
	e := newEngine(t)
	c, _ := cell.Parse(`fmt.Println("same")`)
	p, err := e.session.Compose(c, 1)
	if err != nil {
		t.Fatal(err)
	}
	bin1, err := e.build(context.Background(), p, engine.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := e.session.Compose(c, 2)
	bin2, err := e.build(context.Background(), p2, engine.Settings{})
	if err != nil {
		t.Fatal(err)
	}
	if bin1 != bin2 {
		t.Errorf("an unchanged cell built twice: %s, %s", bin1, bin2)
	}
	bin3, err := e.build(context.Background(), p2, engine.Settings{GoFlags: []string{"-race"}})
	if err != nil {
		t.Fatal(err)
	}
	if bin3 == bin1 {
		t.Error("-race reused the binary built without it")
	}
}

func TestLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go programs")
	}
	ws, err := workspace.Create(t.TempDir(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Options{Workspace: ws, MaxOutput: 64 << 10, MaxMemory: 200 << 20})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("output is capped", func(t *testing.T) {
		out := &recorder{}
		src := "line := strings.Repeat(\"x\", 99)\nfor range 100_000 {\n\tfmt.Println(line)\n}\nfmt.Fprintln(os.Stderr, \"finished\")"
		if err := run(t, e, 1, src, engine.Settings{}, out); err != nil {
			t.Fatal(err)
		}
		if n := out.stdout.Len(); n > 64<<10 || n < 60<<10 {
			t.Errorf("%d bytes of stdout shown, want just under 64 KiB", n)
		}
		if !strings.Contains(out.stderr.String(), "output cut at 64 KB") {
			t.Errorf("no notice on stderr: %q", out.stderr.String())
		}
		if strings.Contains(out.stderr.String(), "finished") {
			t.Error("output after the cap was shown")
		}
	})

	t.Run("memory is limited", func(t *testing.T) {
		out := &recorder{}
		src := "var keep [][]byte\nfor {\n\tb := make([]byte, 16<<20)\n\tfor i := range b {\n\t\tb[i] = 1\n\t}\n\tkeep = append(keep, b)\n}"
		err := run(t, e, 2, src, engine.Settings{}, out)
		var ce *engine.Error
		if !errors.As(err, &ce) || ce.Name != "MemoryLimit" {
			t.Fatalf("error = %v, want MemoryLimit", err)
		}
		if !strings.Contains(ce.Value, "200 MB") {
			t.Errorf("evalue %q does not name the limit", ce.Value)
		}
	})
}

func TestDisplaysKeepTheirPlaceAmongPrints(t *testing.T) {
	e := newEngine(t)
	out := &recorder{}
	src := "for i := range 30 {\n\tfmt.Println(i)\n\tgonbui.DisplayHTML(strconv.Itoa(i))\n}"
	if err := run(t, e, 1, src, engine.Settings{}, out); err != nil {
		t.Fatal(err)
	}
	// Prints may arrive merged, but every number must be printed before
	// its display, and displays in order.
	printed := ""
	next := 0
	for _, ev := range out.events {
		if text, ok := strings.CutPrefix(ev, "out:"); ok {
			printed += text
			continue
		}
		want := fmt.Sprint("display:", next)
		if ev != want {
			t.Fatalf("event %q, want %q", ev, want)
		}
		if !strings.Contains(printed, fmt.Sprintf("%d\n", next)) {
			t.Fatalf("display %d came before its print; printed so far %q", next, printed)
		}
		next++
	}
	if next != 30 {
		t.Errorf("%d displays, want 30", next)
	}
}

// A cell runs as the kernel's user and may remove or change what later
// builds rely on; the next cell puts it back, says so, and runs.
func TestCellThatDamagesTheWorkspace(t *testing.T) {
	e := newEngine(t)
	ws := e.opt.Workspace
	damage := []struct {
		name, src, note string
	}{
		{"module removed", fmt.Sprintf("os.RemoveAll(%q)", ws.Dir), "made the cell module"},
		{"go.mod changed", fmt.Sprintf("os.WriteFile(%q, []byte(\"module x\\n\"), 0o600)", ws.Dir+"/go.mod"), "go.mod"},
		{"package given a stray file", fmt.Sprintf("os.WriteFile(%q, []byte(\"package demos\\nfunc Goroutines() {}\\n\"), 0o600)", ws.SrcDir+"/demos/zz.go"), "removed 1 file"},
		{"package file removed", fmt.Sprintf("os.Remove(%q)", ws.SrcDir+"/demos/recording.go"), "restored 1 file"},
	}
	for i, d := range damage {
		t.Run(d.name, func(t *testing.T) {
			var out recorder
			if err := run(t, e, 2*i+1, "import \"os\"\n"+d.src, engine.Settings{}, &out); err != nil {
				t.Fatal(err)
			}
			out = recorder{}
			src := "import \"github.com/conclab/conclab/demos\"\nfmt.Println(len(demos.Goroutines(2, func(*demos.T) {}).Tasks))"
			if err := run(t, e, 2*i+2, src, engine.Settings{}, &out); err != nil {
				t.Fatalf("the cell after the damage: %v", err)
			}
			if got := out.stdout.String(); got != "2\n" {
				t.Errorf("stdout %q, want 2", got)
			}
			if !strings.Contains(out.stderr.String(), d.note) {
				t.Errorf("stderr %q does not say %q", out.stderr.String(), d.note)
			}
		})
	}
}

// A remembered init func that panics fails every later cell: the error
// names it and the %rm that removes it, and that %rm works.
func TestRememberedInitPanicIsNamed(t *testing.T) {
	e := newEngine(t)
	note := "remembered func init from cell [1] panics; %rm init removes it"
	for i, src := range []string{"func init() { panic(\"x\") }", "fmt.Println(1)"} {
		out := &recorder{}
		var ce *engine.Error
		if err := run(t, e, i+1, src, engine.Settings{}, out); !errors.As(err, &ce) || ce.Name != "panic" || ce.Value != "x" {
			t.Fatalf("cell %d: error %v, want panic x", i+1, err)
		}
		named := len(ce.Traceback) > 0 && ce.Traceback[0] == note
		if want := i > 0; named != want {
			t.Errorf("cell %d: traceback %q, want the note %v", i+1, ce.Traceback, want)
		}
	}
	if _, err := e.Session().Remove("init"); err != nil {
		t.Fatal(err)
	}
	out := &recorder{}
	if err := run(t, e, 3, "fmt.Println(1)", engine.Settings{}, out); err != nil || out.stdout.String() != "1\n" {
		t.Errorf("after %%rm init: %v, stdout %q", err, out.stdout.String())
	}
}

// TestExecuteCode runs cells the kernel did not parse: the engine parses
// Code itself, and after Close it runs nothing.
func TestExecuteCode(t *testing.T) {
	e := newEngine(t)
	tests := []struct {
		code    string
		stdout  string
		errName string
	}{
		{code: "fmt.Println(\"parsed here\")", stdout: "parsed here\n"},
		{code: "func f( {", errName: "SyntaxError"},
	}
	for i, tt := range tests {
		out := &recorder{}
		err := e.Execute(t.Context(), engine.Cell{ID: i + 1, Code: tt.code}, out)
		var ce *engine.Error
		switch {
		case tt.errName == "" && err != nil:
			t.Errorf("Execute(%q): %v", tt.code, err)
		case tt.errName != "" && (!errors.As(err, &ce) || ce.Name != tt.errName):
			t.Errorf("Execute(%q) = %v, want a %s", tt.code, err, tt.errName)
		case out.stdout.String() != tt.stdout:
			t.Errorf("Execute(%q) printed %q, want %q", tt.code, out.stdout.String(), tt.stdout)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if err := e.Execute(t.Context(), engine.Cell{ID: 9, Code: "fmt.Println(1)"}, &recorder{}); err == nil {
		t.Error("Execute after Close ran the cell")
	}
}

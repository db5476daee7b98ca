package cell

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func composeWith(t *testing.T, s *Session, src string, opt ComposeOptions) *Program {
	t.Helper()
	c, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	p, err := s.ComposeWith(c, 1, opt)
	if err != nil {
		t.Fatalf("ComposeWith(%q): %v", src, err)
	}
	return p
}

func TestComposeTrace(t *testing.T) {
	tests := []struct {
		name string
		cell string
	}{
		{"statements", "x := 1\nfmt.Println(x)"},
		{"a result", "6 * 7"},
		{"flags", "var n = flag.Int(\"n\", 1, \"\")\nfmt.Println(*n)"},
		{"own main", "// main runs.\nfunc main() {\n\tfmt.Println(1)\n}"},
		{"only declarations", "func F() int { return 1 }"},
		{"cell imports runtime/trace itself", "import \"runtime/trace\"\nfmt.Println(trace.IsEnabled())"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain := composeWith(t, newTestSession(), tt.cell, ComposeOptions{})
			traced := composeWith(t, newTestSession(), tt.cell, ComposeOptions{Trace: true})
			if bytes.Equal(plain.Source, traced.Source) {
				t.Fatal("traced and plain programs are the same bytes: the binary cache would mix them")
			}
			if bytes.Contains(plain.Source, []byte("conclabTrace")) {
				t.Errorf("plain program traces:\n%s", plain.Source)
			}
			src := string(traced.Source)
			if strings.Count(src, "defer conclabTraceStart()()") != 1 {
				t.Errorf("traced main does not start the trace exactly once:\n%s", src)
			}
			imports := strings.Join(importsOf(t, traced.Source), "\n")
			for _, want := range []string{"conclabtrace runtime/trace", "conclabos os", "conclabmetrics runtime/metrics"} {
				if !strings.Contains(imports, want) {
					t.Errorf("imports lack %q:\n%s", want, imports)
				}
			}
			if strings.Contains(tt.cell, "func main") && !strings.Contains(src, "func "+traceMain+"/*line /conclab/cell.go:2:10*/()") {
				t.Errorf("own main not renamed with its position kept:\n%s", src)
			}
		})
	}
}

func TestRenameMain(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
		want      string
	}{
		{"first line", "func main() { x := 1 }", 1, 1, "func conclabCellMain/*line f.go:1:10*/() { x := 1 }"},
		{"after a doc comment", "// doc\nfunc main() {}", 4, 1, "// doc\nfunc conclabCellMain/*line f.go:5:10*/() {}"},
		{"starts mid-line", "func main() {}", 3, 8, "func conclabCellMain/*line f.go:3:17*/() {}"},
	}
	for _, tt := range tests {
		got, err := renameMain(tt.src, "f.go", tt.line, tt.col)
		if err != nil || got != tt.want {
			t.Errorf("%s: renameMain = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	if _, err := renameMain("func notMain() {}", "f.go", 1, 1); err == nil {
		t.Error("renameMain found a main in a func without one")
	}
}

// TestTracedCompileErrorsKeepPositions: a traced program reports compile
// errors at the same cell positions as a plain one.
func TestTracedCompileErrorsKeepPositions(t *testing.T) {
	goTool(t)
	for _, src := range []string{"func main() { x := 1 }", "a := 1\nfmt.Println(a, nope)"} {
		var reports []string
		for _, tr := range []bool{false, true} {
			p := composeWith(t, newTestSession(), src, ComposeOptions{Trace: tr})
			out, ok := goRun(t, module(t, p), "build", "-o", "prog", ".")
			if ok {
				t.Fatalf("%q built, want an error", src)
			}
			reports = append(reports, strings.SplitN(p.Rewrite(strings.TrimPrefix(out, "# conclab.cell\n")), "\n", 2)[0])
		}
		if reports[0] != reports[1] || !strings.HasPrefix(reports[0], "line 1") && !strings.HasPrefix(reports[0], "line 2") {
			t.Errorf("%q: plain reports %q, traced %q", src, reports[0], reports[1])
		}
	}
}

// TestTracedProgramsStopTheirTrace runs traced programs that end in the
// ways a cell can end and checks that each leaves a complete trace (with
// the done file saying why) or, where nothing can stop it, none.
func TestTracedProgramsStopTheirTrace(t *testing.T) {
	goTool(t)
	tests := []struct {
		name       string
		cell       string
		requestAt  time.Duration // >0: create the stop file after this long
		done       string        // the done file's content; "" for none
		exitOK     bool
		stderrHas  string
		atLeast    time.Duration // the program must not stop tracing before
		stdoutWant string
	}{
		{name: "main returns", cell: "fmt.Println(\"ok\")", done: TraceStoppedReturn, exitOK: true, stdoutWant: "ok\n"},
		{name: "own main returns", cell: "func main() {\n\tfmt.Println(\"own\")\n}", done: TraceStoppedReturn, exitOK: true, stdoutWant: "own\n"},
		{name: "a quiet sleep is not a deadlock", cell: "time.Sleep(400 * time.Millisecond)", done: TraceStoppedReturn, exitOK: true,
			atLeast: 400 * time.Millisecond},
		{name: "panic in main", cell: "panic(\"boom\")", done: TraceStoppedReturn, stderrHas: "panic: boom"},
		{name: "mutex deadlock", cell: "var mu sync.Mutex\nmu.Lock()\nmu.Lock()", done: TraceStoppedBlocked,
			stderrHas: "all goroutines are asleep - deadlock!"},
		{name: "channel deadlock", cell: "ch := make(chan int)\ngo func() { <-ch }()\nch2 := make(chan int)\nch2 <- 1",
			done: TraceStoppedBlocked, stderrHas: "all goroutines are asleep - deadlock!", atLeast: time.Second},
		{name: "interrupted by the kernel", cell: "time.Sleep(time.Hour)", requestAt: 300 * time.Millisecond, done: TraceStoppedRequested},
		{name: "os.Exit cuts the trace", cell: "os.Exit(3)", done: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := composeWith(t, newTestSession(), tt.cell, ComposeOptions{Trace: true})
			dir := module(t, p)
			if out, ok := goRun(t, dir, "build", "-o", "prog", "."); !ok {
				t.Fatalf("build failed:\n%s\n%s", p.Rewrite(out), p.Source)
			}
			path := filepath.Join(t.TempDir(), "cell.trace")
			cmd := exec.Command(filepath.Join(dir, "prog"))
			cmd.Env = append(os.Environ(), TraceEnv+"="+path)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			if tt.requestAt > 0 {
				time.Sleep(tt.requestAt)
				if err := os.WriteFile(path+TraceStopSuffix, nil, 0o600); err != nil {
					t.Fatal(err)
				}
				waitForFile(t, path+TraceDoneSuffix, 5*time.Second)
				_ = cmd.Process.Kill()
			}
			var err error
			select {
			case err = <-exited:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("the program did not end (a deadlock hidden by the trace?); stderr:\n%s", stderr.String())
			}
			elapsed := time.Since(start)
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatal(err)
			}
			if tt.requestAt == 0 && (err == nil) != tt.exitOK {
				t.Errorf("exit error %v, want success %v; stderr:\n%s", err, tt.exitOK, stderr.String())
			}
			if tt.stderrHas != "" && !strings.Contains(stderr.String(), tt.stderrHas) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderrHas, stderr.String())
			}
			if tt.stdoutWant != "" && stdout.String() != tt.stdoutWant {
				t.Errorf("stdout %q, want %q", stdout.String(), tt.stdoutWant)
			}
			if elapsed < tt.atLeast {
				t.Errorf("ended after %v, want at least %v", elapsed, tt.atLeast)
			}
			done, derr := os.ReadFile(path + TraceDoneSuffix)
			switch {
			case tt.done == "" && derr == nil:
				t.Errorf("done file %q, want none", done)
			case tt.done != "" && string(done) != tt.done:
				t.Errorf("done file %q (%v), want %q", done, derr, tt.done)
			}
			data, rerr := os.ReadFile(path)
			if rerr != nil {
				t.Fatalf("no trace file: %v", rerr)
			}
			if tt.done != "" && !bytes.HasPrefix(data, []byte("go 1.")) {
				t.Errorf("trace file starts %q, want a trace header", data[:min(len(data), 16)])
			}
		})
	}
}

// TestUntracedRunOfTracedProgram: without TraceEnv a traced program runs as
// a plain one and writes nothing.
func TestUntracedRunOfTracedProgram(t *testing.T) {
	goTool(t)
	p := composeWith(t, newTestSession(), "fmt.Println(\"plain\")", ComposeOptions{Trace: true})
	stdout, stderr, ok := runProgram(t, p, nil)
	if !ok || stdout != "plain\n" || stderr != "" {
		t.Errorf("stdout %q, stderr %q, ok %v", stdout, stderr, ok)
	}
}

func waitForFile(t *testing.T, path string, limit time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
	}
	t.Fatalf("%s did not appear in %v", path, limit)
}

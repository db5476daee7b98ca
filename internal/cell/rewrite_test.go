package cell

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestRewrite(t *testing.T) {
	p := &Program{ID: 7}
	tests := []struct{ in, want string }{
		{"/conclab/cell.go:5:3: undefined: x", "line 5:3: undefined: x"},
		{"/conclab/cell3.go:4:1: cannot use y", "cell [3] line 4:1: cannot use y"},
		{"main.main()\n\t/conclab/cell.go:12 +0x1d\n", "main.main()\n\tline 12\n"},
		{"main.F(...)\n\t/conclab/cell12.go:6\n", "main.F(...)\n\tcell [12] line 6\n"},
		{"/conclab/generated.go:9:2: x redeclared", "generated code line 9:2: x redeclared"},
		{"      /conclab/cell.go:4 +0x2e\n      /usr/local/go/src/sync/waitgroup.go:238 +0x72", "      line 4\n      /usr/local/go/src/sync/waitgroup.go:238 +0x72"},
		{"two: /conclab/cell.go:1:1 and /conclab/cell2.go:3:4.", "two: line 1:1 and cell [2] line 3:4."},
		{"nothing to do here: main.go:3", "nothing to do here: main.go:3"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := p.Rewrite(tt.in); got != tt.want {
			t.Errorf("Rewrite(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// goTool returns the go command, or skips the test without one.
func goTool(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds programs; skipped in -short mode")
	}
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	return gocmd
}

// module writes p as main.go of a new module and returns its directory.
func module(t *testing.T, p *Program) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module conclab.cell\n\ngo 1.26\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), p.Source, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// goRun runs the go command in dir and returns its combined output and
// whether it succeeded.
func goRun(t *testing.T, dir string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), goTool(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// checkClean fails if a rewritten report still shows generated file names.
func checkClean(t *testing.T, report, dir string) {
	t.Helper()
	for _, bad := range []string{"/conclab/", "main.go", dir} {
		if strings.Contains(report, bad) {
			t.Errorf("rewritten report shows %q:\n%s", bad, report)
		}
	}
}

func TestRewriteCompileErrors(t *testing.T) {
	goTool(t)
	col := func(line, of string) string { return strconv.Itoa(strings.Index(line, of) + 1) }
	declLine := "x := 1; func F() int { return \"s\" }"
	tests := []struct {
		name    string
		earlier []string
		cell    string
		want    string
	}{
		{"undefined in this cell", nil, "x := 1\ny := undefinedName + x\n_ = y", "line 2:6: undefined: undefinedName"},
		{"a package typo", nil, "fmtt.Println(1)", "line 1:1: undefined: fmtt"},
		{"declared and not used", nil, "\n\nz := 3", "line 3:1: declared and not used: z"},
		{"in a declaration that starts mid-line", nil, declLine + "\n_ = x",
			"line 1:" + col(declLine, `"s"`) + ": cannot use \"s\""},
		{"in a remembered declaration", []string{"func H() int { return 1 }", "// G calls H.\nfunc G() int {\n\treturn H()\n}"},
			"func H() string { return \"\" }\nfmt.Println(G())", "cell [2] line 3:9: cannot use H()"},
		{"an unknown import path", nil, "x := 1\nimport \"example.com/nope/nope\"\nnope.X(x)", "line 2:8: "},
		{"in the cell's own main", nil, "func main() {\n\tvar s string = 1\n\t_ = s\n}", "line 2:17: cannot use 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSession()
			run(t, s, tt.earlier...)
			p := compose(t, s, tt.cell, len(tt.earlier)+1)
			dir := module(t, p)
			out, ok := goRun(t, dir, "build", "-o", "prog", ".")
			if ok {
				t.Fatalf("build succeeded, want an error\n%s", p.Source)
			}
			got := p.Rewrite(out)
			if !strings.Contains(got, tt.want) {
				t.Errorf("rewritten build errors lack %q:\n%s\ncomposed:\n%s", tt.want, got, p.Source)
			}
			checkClean(t, got, dir)
		})
	}
}

func TestRewriteVet(t *testing.T) {
	goTool(t)
	s := newTestSession()
	p := compose(t, s, "x := 1\nfmt.Printf(\"%d\\n\", \"s\")\n_ = x", 1)
	dir := module(t, p)
	out, ok := goRun(t, dir, "vet", ".")
	if ok {
		t.Fatalf("vet passed, want a printf report")
	}
	got := p.Rewrite(out)
	if !regexp.MustCompile(`(?m)^line 2:\d+: fmt.Printf format %d has arg "s"`).MatchString(got) {
		t.Errorf("rewritten vet report:\n%s", got)
	}
	checkClean(t, got, dir)
}

// runProgram builds p and runs it, returning its rewritten stderr and
// whether it exited with success.
func runProgram(t *testing.T, p *Program, flags []string, args ...string) (stdout, stderr string, ok bool) {
	t.Helper()
	dir := module(t, p)
	out, built := goRun(t, dir, append(append([]string{"build", "-o", "prog"}, flags...), ".")...)
	if !built {
		t.Fatalf("build failed:\n%s\ncomposed:\n%s", p.Rewrite(out), p.Source)
	}
	cmd := exec.CommandContext(t.Context(), filepath.Join(dir, "prog"), args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatal(err)
	}
	got := p.Rewrite(e.String())
	checkClean(t, got, dir)
	return o.String(), got, err == nil
}

func TestRewritePanics(t *testing.T) {
	goTool(t)
	tests := []struct {
		name    string
		earlier []string
		cell    string
		want    []string
	}{
		{"in this cell", nil, "var s []int\ni := 5\nfmt.Println(s[i])",
			[]string{"panic: runtime error: index out of range [5]", "main.main()\n\tline 3\n"}},
		{"in a remembered declaration", []string{"x := 0\n_ = x\n// Boom fails.\nfunc Boom() {\n\tpanic(\"boom\")\n}"}, "\nBoom()",
			[]string{"panic: boom", "main.Boom()\n\tcell [1] line 5\n", "main.main()\n\tline 2\n"}},
		{"in a remembered method called from own main", []string{"type T struct{ p *int }\nfunc (t T) Get() int {\n\treturn *t.p\n}"}, "func main() {\n\tfmt.Println(T{}.Get())\n}",
			[]string{"nil pointer dereference", "\tcell [1] line 3\n", "main.main()\n\tline 2\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSession()
			run(t, s, tt.earlier...)
			p := compose(t, s, tt.cell, len(tt.earlier)+1)
			_, stderr, ok := runProgram(t, p, []string{"-gcflags=-l"})
			if ok {
				t.Fatal("program succeeded, want a panic")
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("panic report lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

func TestRewriteRace(t *testing.T) {
	goTool(t)
	s := newTestSession()
	p := compose(t, s, "var wg sync.WaitGroup\nx := 0\nfor range 2 {\n\twg.Go(func() { x++ })\n}\nwg.Wait()\nfmt.Println(x)", 1)
	dir := module(t, p)
	if out, ok := goRun(t, dir, "build", "-race", "-o", "prog", "."); !ok {
		t.Skipf("no race detector here: %s", out)
	}
	cmd := exec.CommandContext(t.Context(), filepath.Join(dir, "prog"))
	cmd.Env = append(os.Environ(), "GORACE=halt_on_error=1")
	out, _ := cmd.CombinedOutput()
	got := p.Rewrite(string(out))
	if !strings.Contains(got, "WARNING: DATA RACE") || !strings.Contains(got, "main.main.func1()\n      line 4\n") {
		t.Errorf("rewritten race report:\n%s", got)
	}
	checkClean(t, got, dir)
}

func TestProgramsRun(t *testing.T) {
	goTool(t)
	s := newTestSession()
	run(t, s,
		"import \"strings\"\n// Shout upper-cases.\nfunc Shout(s string) string { return strings.ToUpper(s) + \"!\" }",
		"var n = flag.Int(\"n\", 1, \"repeats\")\ntype Greeter struct{ name string }\nfunc (g Greeter) Greet() string { return Shout(\"hi \" + g.name) }",
		"func init() { order = append(order, \"init\") }\nvar order []string",
	)
	p := compose(t, s, "for range *n {\n\tfmt.Println(Greeter{\"go\"}.Greet())\n}\nfmt.Println(order)\n%%\nvar local = rand.IntN(1)\nfmt.Println(local)", 4)
	stdout, stderr, ok := runProgram(t, p, nil, "-n=2")
	if !ok {
		t.Fatalf("program failed:\n%s", stderr)
	}
	if want := "HI GO!\nHI GO!\n[init]\n0\n"; stdout != want {
		t.Errorf("output %q, want %q", stdout, want)
	}
}

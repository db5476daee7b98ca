package compiled

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/conclab/conclab/internal/engine"
)

// TestCgoCells runs cgo cells as a notebook would: C functions defined in
// one cell and called in later ones, and C and Go errors at the cell's
// own lines.
func TestCgoCells(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no gcc")
	}
	e := newEngine(t)
	tests := []struct {
		name   string
		src    string
		stdout string
		errHas string // a CompileError's value has it
	}{
		{name: "preamble", src: "/* int twice(int x) { return 2*x; } */\nimport \"C\"\nfmt.Println(C.twice(21))", stdout: "42\n"},
		{name: "remembered preamble", src: "fmt.Println(C.twice(4))", stdout: "8\n"},
		{name: "without a preamble", src: "import \"C\"\nfmt.Println(\"no C\")", stdout: "no C\n"},
		{name: "another cell's C", src: "// #include <stdlib.h>\n// int thrice(int x) { return 3*x; }\nimport \"C\"\nfunc both(x int) int { return int(C.twice(C.int(x)) + C.thrice(C.int(x))) }"},
		{name: "both", src: "fmt.Println(both(1), C.abs(-3))", stdout: "5 3\n"},
		{name: "C error", src: "x := 1\n/*\nint bad(void) { return nope; }\n*/\nimport \"C\"\nfmt.Println(x)",
			errHas: "line 3:24: error: 'nope' undeclared"},
		{name: "failed preamble not remembered", src: "fmt.Println(C.twice(1))", stdout: "2\n"},
		{name: "Go error", src: "\nvar s string = C.twice(1)", errHas: "line 2:16: cannot use C.twice(1)"},
	}
	for i, tt := range tests {
		out := &recorder{}
		err := run(t, e, i+1, tt.src, engine.Settings{}, out)
		var ce *engine.Error
		if errors.As(err, &ce) {
			ce.Value = strings.NewReplacer("‘", "'", "’", "'").Replace(ce.Value) // GCC in a UTF-8 locale
		}
		switch {
		case tt.errHas == "" && err != nil:
			t.Fatalf("%s: %v; stderr:\n%s", tt.name, err, out.stderr.String())
		case tt.errHas != "" && (!errors.As(err, &ce) || ce.Name != "CompileError" || !strings.Contains(ce.Value, tt.errHas)):
			t.Fatalf("%s: error %v, want a CompileError with %q", tt.name, err, tt.errHas)
		}
		if tt.errHas != "" && strings.Contains(ce.Value, "main.go") {
			t.Errorf("%s: error names main.go:\n%s", tt.name, ce.Value)
		}
		if got := out.stdout.String(); got != tt.stdout {
			t.Errorf("%s: stdout %q, want %q", tt.name, got, tt.stdout)
		}
	}
}

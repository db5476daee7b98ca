package compiled

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/workspace"
)

func TestScanImports(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		paths  []string
		direct bool
	}{
		{"plain", "package main\nimport (\"fmt\"; m \"math\")\nfunc main(){}", []string{"fmt", "math"}, true},
		{"none", "package main\nfunc main(){}", nil, true},
		{"cgo", "package main\nimport \"C\"\nfunc main(){}", []string{"C"}, false},
		{"embed", "package main\nimport _ \"embed\"\n//go:embed x\nvar s string\nfunc main(){}", []string{"embed"}, false},
		{"unparsable", "package main\nimport (", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			paths, needs := scanImports([]byte(tt.src))
			if !slices.Equal(paths, tt.paths) || needs.direct() != tt.direct {
				t.Errorf("scanImports = %q, direct %v; want %q, %v", paths, needs.direct(), tt.paths, tt.direct)
			}
		})
	}
}

func TestDirectFlags(t *testing.T) {
	tests := []struct {
		flags    []string
		race, ok bool
	}{
		{nil, false, true},
		{[]string{"-race"}, true, true},
		{[]string{"-tags", "x"}, false, false},
		{[]string{"-race", "-gcflags=-N"}, false, false},
	}
	for _, tt := range tests {
		race, ok := directFlags(tt.flags)
		if race != tt.race || ok != tt.ok {
			t.Errorf("directFlags(%q) = %v, %v; want %v, %v", tt.flags, race, ok, tt.race, tt.ok)
		}
	}
}

// newTestToolchain is a toolchain for a fresh cell module; tests that use
// it build Go programs, and -short skips them.
func newTestToolchain(t *testing.T) *toolchain {
	t.Helper()
	if testing.Short() {
		t.Skip("builds Go programs")
	}
	ws, err := workspace.Create(t.TempDir(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return newToolchain("go", ws.Dir)
}

// The direct path builds a working program, learns the packages it needs
// from the go command once, and reports compile errors as the go command
// would (after the cell's line mapping).
func TestToolchainBuildsDirectly(t *testing.T) {
	tc := newTestToolchain(t)
	ctx := context.Background()
	bin := filepath.Join(t.TempDir(), "prog")
	src := []byte("package main\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\nfunc main() { fmt.Println(strings.ToUpper(\"direct\")) }\n")
	if err := tc.build(ctx, src, false, bin, func(s string) string { return s }); err != nil {
		t.Fatalf("build: %v", err)
	}
	out, err := exec.Command(bin).Output()
	if err != nil || string(out) != "DIRECT\n" {
		t.Fatalf("program printed %q, %v", out, err)
	}
	for _, p := range []string{"fmt", "strings", "runtime"} {
		if _, ok := tc.pkgs[0][p]; !ok {
			t.Errorf("package %s not recorded", p)
		}
	}

	// The binary carries its build information, as go build writes it.
	info := []byte("package main\n\nimport (\n\t\"fmt\"\n\t\"runtime/debug\"\n\n\t_ \"golang.org/x/sync/errgroup\"\n)\n\n" +
		"func main() {\n\tbi, ok := debug.ReadBuildInfo()\n\tif !ok {\n\t\treturn\n\t}\n\tfmt.Println(bi.Main.Path)\n" +
		"\tfor _, d := range bi.Deps {\n\t\tfmt.Println(\"dep\", d.Path)\n\t}\n" +
		"\tfor _, s := range bi.Settings {\n\t\tif s.Key == \"CGO_ENABLED\" || s.Key == \"-buildmode\" {\n\t\t\tfmt.Println(s.Key, s.Value)\n\t\t}\n\t}\n}\n")
	if err := tc.build(ctx, info, false, bin, func(s string) string { return s }); err != nil {
		t.Fatalf("build: %v", err)
	}
	out, err = exec.Command(bin).Output()
	if want := "conclab.cell\ndep golang.org/x/sync\n-buildmode exe\nCGO_ENABLED 0\n"; err != nil || string(out) != want {
		t.Errorf("build information %q (%v), want %q", out, err, want)
	}

	bad := []byte("package main\n\nfunc main() { undefinedName() }\n")
	err = tc.build(ctx, bad, false, bin, func(s string) string { return s })
	ce, ok := err.(*engine.Error)
	if !ok || ce.Name != "CompileError" || ce.Value != "main.go:3:15: undefined: undefinedName" {
		t.Fatalf("compile error = %#v", err)
	}

	if err := tc.build(ctx, []byte("package main\nimport \"C\"\nfunc main(){}"), false, bin, nil); err != errIndirect {
		t.Errorf("cgo program: %v, want errIndirect", err)
	}
}

// An interrupted first init is not the answer for later cells: they would
// all go through the go command.
func TestToolchainInitRetriesAfterCancel(t *testing.T) {
	ws, err := workspace.Create(t.TempDir(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tc := newToolchain("go", ws.Dir)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := tc.init(canceled); err == nil {
		t.Fatal("init with a canceled context succeeded")
	}
	if err := tc.init(context.Background()); err != nil {
		t.Fatalf("init after a canceled one: %v", err)
	}
	if tc.lang == "" || tc.toolDir == "" {
		t.Errorf("init left lang %q, tool dir %q", tc.lang, tc.toolDir)
	}
	// A failure of its own is the answer.
	broken := newToolchain("go", t.TempDir()) // no go.mod
	first := broken.init(context.Background())
	if first == nil {
		t.Fatal("init without a cell module succeeded")
	}
	if err := broken.init(context.Background()); err != first {
		t.Errorf("second init = %v, want the first answer %v", err, first)
	}
}

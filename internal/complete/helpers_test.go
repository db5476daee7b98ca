package complete

import (
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/modfile"
)

// moduleDir and moduleEnv are the module the tests' Completers run the go
// command in: it requires the project (replaced by this working tree) and
// everything the project requires, offline. TestMain makes it.
var moduleDir string
var moduleEnv []string

func TestMain(m *testing.M) {
	code, err := runWithModule(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(code)
}

func runWithModule(m *testing.M) (int, error) {
	dir, err := os.MkdirTemp("", "complete-test-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	if err := writeTestModule(dir); err != nil {
		return 0, err
	}
	moduleDir = dir
	moduleEnv = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
	return m.Run(), nil
}

// writeTestModule writes go.mod and go.sum of a cell module in dir, like
// the engine's workspace does, with the project found two directories up
// from this package.
func writeTestModule(dir string) error {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return fmt.Errorf("project go.mod: %w", err)
	}
	mf, err := modfile.ParseLax("go.mod", data, nil)
	if err != nil {
		return fmt.Errorf("project go.mod: %w", err)
	}
	if mf.Module == nil || mf.Module.Mod.Path != "github.com/conclab/conclab" {
		return fmt.Errorf("%s is not the conclab module", root)
	}
	var b strings.Builder
	b.WriteString("module conclab.cell\n\n")
	if mf.Go != nil {
		fmt.Fprintf(&b, "go %s\n\n", mf.Go.Version)
	}
	b.WriteString("require (\n\tgithub.com/conclab/conclab v0.0.0\n")
	for _, r := range mf.Require {
		fmt.Fprintf(&b, "\t%s %s\n", r.Mod.Path, r.Mod.Version)
	}
	b.WriteString(")\n\n")
	fmt.Fprintf(&b, "replace github.com/conclab/conclab => %s\n", root)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(b.String()), 0o600); err != nil {
		return err
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		return fmt.Errorf("project go.sum: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o600)
}

// at splits a cell written with a | at the cursor into the cell and the
// cursor in code points.
func at(t testing.TB, marked string) (string, int) {
	t.Helper()
	i := strings.Index(marked, "|")
	if i < 0 {
		t.Fatalf("no | in %q", marked)
	}
	return marked[:i] + marked[i+1:], len([]rune(marked[:i]))
}

func newFset() *token.FileSet { return token.NewFileSet() }

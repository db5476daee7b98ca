package symbols

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/traefik/yaegi/extract"
)

// generated lists the packages that symbols.go's go:generate lines extract.
func generated(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("symbols.go")
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name symbols "
	var pkgs []string
	for line := range strings.Lines(string(src)) {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			pkgs = append(pkgs, strings.Fields(rest)...)
		}
	}
	if len(pkgs) == 0 {
		t.Fatal("symbols.go has no go:generate lines")
	}
	return pkgs
}

// The tables are what yaegi extract (the version in go.mod) makes of the
// packages today: a table made before a package gained a name does not
// offer it to live cells. The test does what go:generate does, into a
// temporary directory, and compares.
func TestSymbolTablesAreCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the packages from source")
	}
	tmp := t.TempDir()
	names := strings.NewReplacer("/", "-", ".", "_", "~", "_") // as yaegi extract names files
	var want []string
	for _, pkg := range generated(t) {
		var buf bytes.Buffer
		ext := extract.Extractor{Dest: "symbols"}
		path, err := ext.Extract(pkg, "", &buf)
		if err != nil {
			t.Fatalf("yaegi extract %s: %v", pkg, err)
		}
		name := names.Replace(path) + ".go"
		want = append(want, name)
		if err := os.WriteFile(filepath.Join(tmp, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil || !bytes.Equal(got, buf.Bytes()) {
			t.Errorf("%s is stale: run make generate", name)
		}
	}
	// A table whose package left the list would still be linked in.
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f != "symbols.go" && !strings.HasSuffix(f, "_test.go") && !slices.Contains(want, f) {
			t.Errorf("%s is stale: no go:generate line makes it; run make generate and remove it", f)
		}
	}
}

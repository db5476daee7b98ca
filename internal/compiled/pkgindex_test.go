package compiled

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conclab/conclab/internal/workspace"
)

// noListGo is a go command that refuses `go list`: a toolchain using it
// builds directly only with packages it already knows.
func noListGo(t *testing.T) string {
	t.Helper()
	real, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	p := filepath.Join(t.TempDir(), "go")
	script := "#!/bin/sh\n[ \"$1\" = list ] && { echo 'go list refused by the test' >&2; exit 3; }\nexec " + real + " \"$@\"\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// The next kernel's toolchain starts knowing what an earlier one listed,
// only for the same cell module; after a `go get` its packages are listed
// again; and a file the build cache dropped sends the cell to the go
// command.
func TestPackageIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go programs")
	}
	ctx := context.Background()
	cache, indexes := t.TempDir(), t.TempDir()
	newWS := func() *workspace.Workspace {
		ws, err := workspace.Create(cache, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.Remove() })
		return ws
	}
	src := []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"indexed\") }\n")
	bin := filepath.Join(t.TempDir(), "prog")
	same := func(s string) string { return s }

	first := newToolchain("go", newWS().Dir)
	first.indexDir = indexes
	if err := first.build(ctx, src, false, bin, same); err != nil {
		t.Fatalf("first kernel: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(indexes, "*.json"))
	if len(files) != 1 {
		t.Fatalf("indexes written: %v, want one", files)
	}

	// A second kernel (its own cell module, the same requirements) needs no go list.
	ws := newWS()
	next := newToolchain(noListGo(t), ws.Dir)
	next.indexDir = indexes
	if err := next.build(ctx, src, false, bin, same); err != nil {
		t.Fatalf("next kernel, from the index: %v", err)
	}
	if out, err := exec.Command(bin).Output(); err != nil || string(out) != "indexed\n" {
		t.Fatalf("program printed %q, %v", out, err)
	}

	// A go get changes the requirements: packages are listed again (and
	// this go command refuses, so the cell goes to go build).
	mod := filepath.Join(ws.Dir, "go.mod")
	b, err := os.ReadFile(mod)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(mod, append(b, "\n// upgraded\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := next.build(ctx, src, false, bin, same); err != errIndirect {
		t.Errorf("after go.mod changed: %v, want errIndirect (listed again)", err)
	}

	// A kernel whose cell module differs does not use the index made for another.
	other := newToolchain(noListGo(t), ws.Dir)
	other.indexDir = indexes
	if err := other.build(ctx, src, false, bin, same); err != errIndirect {
		t.Errorf("another module's index used: %v, want errIndirect", err)
	}

	// The build cache dropped a file the index names: the go command builds the cell.
	var idx sharedIndex
	b, err = os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &idx); err != nil {
		t.Fatal(err)
	}
	p := idx.Pkgs[0]["fmt"]
	p.File = filepath.Join(t.TempDir(), "dropped.a")
	idx.Pkgs[0]["fmt"] = p
	if err := writeWhole(files[0], idx); err != nil {
		t.Fatal(err)
	}
	dropped := newToolchain(noListGo(t), newWS().Dir)
	dropped.indexDir = indexes
	if err := dropped.build(ctx, src, false, bin, same); err != errIndirect {
		t.Errorf("with a dropped cache file: %v, want errIndirect", err)
	}
	if len(dropped.pkgs[0]) != 0 {
		t.Errorf("the stale packages stayed known: %d", len(dropped.pkgs[0]))
	}
}

func TestWriteWholeLeavesNoTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sub", "index.json")
	for i := range 2 {
		if err := writeWhole(file, map[string]int{"n": i}); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(file)
	if err != nil || strings.TrimSpace(string(b)) != `{"n":1}` {
		t.Fatalf("index = %q, %v", b, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "sub", ".index-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if err := writeWhole(filepath.Join(file, "under-a-file"), 1); err == nil {
		t.Error("writing under a file succeeded")
	}
}

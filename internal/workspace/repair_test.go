package workspace

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Each case damages a workspace as a cell could; Repair must say so and
// leave it as Create made it, and a second Repair must find nothing to do.
func TestRepairRestoresWhatACellDamaged(t *testing.T) {
	later := time.Now().Add(time.Minute)
	cases := []struct {
		name   string
		damage func(t *testing.T, w *Workspace)
		note   string // "" when the user need not be told
	}{
		{"module removed", func(t *testing.T, w *Workspace) { must(t, os.RemoveAll(w.Dir)) }, "made the cell module"},
		{"module replaced by a file", func(t *testing.T, w *Workspace) {
			must(t, os.RemoveAll(w.Dir))
			must(t, os.WriteFile(w.Dir, []byte("x"), 0o600))
		}, "made the cell module"},
		{"module made public", func(t *testing.T, w *Workspace) { must(t, os.Chmod(w.Dir, 0o755)) }, ""},
		{"go.mod changed", func(t *testing.T, w *Workspace) {
			must(t, os.WriteFile(filepath.Join(w.Dir, "go.mod"), []byte("module x\n"), 0o600))
		}, "restored the cell module's go.mod"},
		{"go.sum removed", func(t *testing.T, w *Workspace) { must(t, os.Remove(filepath.Join(w.Dir, "go.sum"))) }, "go.sum"},
		{"owner removed", func(t *testing.T, w *Workspace) { must(t, os.Remove(filepath.Join(w.Dir, ownerFile))) }, ""},
		{"source file edited, same size", func(t *testing.T, w *Workspace) {
			p := filepath.Join(w.SrcDir, "demos", "recording.go")
			b, err := os.ReadFile(p)
			must(t, err)
			b = bytes.Replace(b, []byte("package demos"), []byte("package demoz"), 1)
			must(t, os.WriteFile(p, b, 0o600))
			must(t, os.Chtimes(p, later, later))
		}, "restored 1 file of the project source"},
		{"source file removed", func(t *testing.T, w *Workspace) {
			must(t, os.Remove(filepath.Join(w.SrcDir, "plots", "timeline.go")))
		}, "restored 1 file"},
		{"source file replaced by a link", func(t *testing.T, w *Workspace) {
			p := filepath.Join(w.SrcDir, "go.mod")
			must(t, os.Remove(p))
			must(t, os.Symlink("/dev/null", p))
		}, "restored 1 file"},
		{"file added to a package", func(t *testing.T, w *Workspace) {
			must(t, os.WriteFile(filepath.Join(w.SrcDir, "demos", "extra.go"), []byte("package demos\n"), 0o600))
		}, "removed 1 file added"},
		{"directory added", func(t *testing.T, w *Workspace) {
			must(t, os.MkdirAll(filepath.Join(w.SrcDir, "demos", "sub"), 0o700))
		}, "removed 1 file added"},
		{"package directory removed", func(t *testing.T, w *Workspace) {
			must(t, os.RemoveAll(filepath.Join(w.SrcDir, "plots")))
		}, "files of the project source"},
		{"source removed", func(t *testing.T, w *Workspace) { must(t, os.RemoveAll(w.SrcDir)) }, "unpacked the project source"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w, err := Create(t.TempDir(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if did, err := w.Repair(); err != nil || len(did) != 0 {
				t.Fatalf("Repair of a new workspace: %q, %v", did, err)
			}
			tc.damage(t, w)
			did, err := w.Repair()
			if err != nil {
				t.Fatal(err)
			}
			said := strings.Join(did, "; ")
			if tc.note == "" && said != "" || !strings.Contains(said, tc.note) {
				t.Errorf("Repair said %q, want %q", said, tc.note)
			}
			checkWhole(t, w)
			if did, err := w.Repair(); err != nil || len(did) != 0 {
				t.Errorf("second Repair: %q, %v", did, err)
			}
		})
	}
}

// checkWhole fails t unless w is as Create makes it.
func checkWhole(t *testing.T, w *Workspace) {
	t.Helper()
	if fi, err := os.Lstat(w.Dir); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Errorf("cell module: %v, %v", fi, err)
	}
	for name, want := range w.module {
		if b, err := os.ReadFile(filepath.Join(w.Dir, name)); err != nil || !bytes.Equal(b, want) {
			t.Errorf("%s not restored: %v", name, err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(w.Dir, ownerFile)); err != nil || !ownedBySelf(b) {
		t.Errorf("owner file not restored: %q, %v", b, err)
	}
	n := 0
	err := filepath.WalkDir(w.SrcDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(w.source) {
		t.Errorf("source holds %d files, want %d", n, len(w.source))
	}
	for _, f := range w.source {
		p := filepath.Join(w.SrcDir, filepath.FromSlash(f.path))
		fi, err := os.Lstat(p)
		if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v", f.path, fi, err)
			continue
		}
		if b, _ := os.ReadFile(p); !bytes.Equal(b, f.data) {
			t.Errorf("%s differs from the embedded source", f.path)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkRepairIntact is what every build pays to check the workspace.
func BenchmarkRepairIntact(b *testing.B) {
	w, err := Create(b.TempDir(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if did, err := w.Repair(); err != nil || len(did) != 0 {
			b.Fatal(did, err)
		}
	}
}

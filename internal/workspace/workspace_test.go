package workspace

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCreateUnpacksOnceAndWritesModule(t *testing.T) {
	cache := t.TempDir()
	a, err := Create(cache, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	b, err := Create(cache, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if a.SrcDir != b.SrcDir {
		t.Errorf("two workspaces unpacked the source twice: %s and %s", a.SrcDir, b.SrcDir)
	}
	if a.Dir == b.Dir {
		t.Error("two workspaces share a cell module directory")
	}
	for _, f := range []string{"go.mod", "demos/recording.go"} {
		if _, err := os.Stat(filepath.Join(a.SrcDir, f)); err != nil {
			t.Errorf("unpacked source lacks %s: %v", f, err)
		}
	}
	mod, err := os.ReadFile(filepath.Join(a.Dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"module conclab.cell", "replace github.com/conclab/conclab => " + a.SrcDir, "github.com/janpfeifer/gonb"} {
		if !strings.Contains(string(mod), want) {
			t.Errorf("go.mod lacks %q:\n%s", want, mod)
		}
	}
	if fi, err := os.Stat(a.Dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("cell module dir mode = %v, %v; want 0700", fi.Mode().Perm(), err)
	}
	if err := a.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(a.Dir); !os.IsNotExist(err) {
		t.Errorf("Remove left %s", a.Dir)
	}
	if _, err := os.Stat(a.SrcDir); err != nil {
		t.Errorf("Remove took the shared source: %v", err)
	}
}

// The unpacked source is the user's own: no other user reads or changes
// what the user's cells build against.
func TestUnpackedSourceIsPrivate(t *testing.T) {
	src, err := Unpack(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

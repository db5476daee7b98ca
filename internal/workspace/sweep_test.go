package workspace

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestSweepRemovesOnlyAbandonedModules(t *testing.T) {
	tmp := t.TempDir()
	mine, err := Create(t.TempDir(), tmp)
	if err != nil {
		t.Fatal(err)
	}

	// A module whose kernel has exited.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(tmp, "conclab-gone")
	mkdir(t, gone, fmt.Sprintf("%d 12345\n", dead.Process.Pid))
	// A module whose pid is alive but belongs to another process now.
	reused := filepath.Join(tmp, "conclab-reused")
	mkdir(t, reused, fmt.Sprintf("%d 1\n", os.Getpid()))
	// Directories the sweep cannot vouch for.
	noOwner := filepath.Join(tmp, "conclab-noowner")
	mkdir(t, noOwner, "")
	garbled := filepath.Join(tmp, "conclab-garbled")
	mkdir(t, garbled, "not a pid\n")
	other := filepath.Join(tmp, "unrelated")
	mkdir(t, other, fmt.Sprintf("%d 12345\n", dead.Process.Pid))

	n, err := Sweep(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("removed %d, want 2", n)
	}
	for dir, want := range map[string]bool{mine.Dir: true, gone: false, reused: false, noOwner: true, garbled: true, other: true} {
		if _, err := os.Stat(dir); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(dir), err == nil, want)
		}
	}
}

// mkdir makes dir with an owner file holding owner ("" for none).
func mkdir(t *testing.T, dir, owner string) {
	t.Helper()
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if owner != "" {
		if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(owner), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSweepSources(t *testing.T) {
	cache := t.TempDir()
	long := time.Now().Add(-40 * 24 * time.Hour)
	type entry struct {
		name    string
		mtime   time.Time
		removed bool
	}
	dirs := []entry{
		{"src-0000000000000old", long, true},
		{"src-00000000000fresh", time.Now(), false},
		{"src-0000000000000use", long, false}, // this kernel's: kept
		{".src-123", time.Now().Add(-2 * time.Hour), true},
		{".src-456", time.Now(), false}, // another kernel unpacking now
	}
	for _, d := range dirs {
		p := filepath.Join(cache, d.name)
		if err := os.MkdirAll(filepath.Join(p, "demos"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p, "demos", "x.go"), []byte("package demos\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, d.mtime, d.mtime); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(cache, "src-file"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(filepath.Join(cache, "src-file"), long, long)
	n, err := SweepSources(cache, filepath.Join(cache, "src-0000000000000use"), SourceMaxAge)
	if err != nil || n != 2 {
		t.Fatalf("SweepSources = %d, %v; want 2, nil", n, err)
	}
	for _, d := range append(dirs, entry{"src-file", long, false}) {
		_, err := os.Lstat(filepath.Join(cache, d.name))
		if gone := os.IsNotExist(err); gone != d.removed {
			t.Errorf("%s: removed = %v, want %v", d.name, gone, d.removed)
		}
	}
}

func TestUnpackMarksItsSourceInUse(t *testing.T) {
	cache := t.TempDir()
	src, err := Unpack(cache)
	if err != nil {
		t.Fatal(err)
	}
	long := time.Now().Add(-40 * 24 * time.Hour)
	if err := os.Chtimes(src, long, long); err != nil {
		t.Fatal(err)
	}
	if again, err := Unpack(cache); err != nil || again != src {
		t.Fatalf("Unpack again = %q, %v", again, err)
	}
	fi, err := os.Stat(src)
	if err != nil || time.Since(fi.ModTime()) > time.Hour {
		t.Fatalf("the source's time after a start: %v, %v", fi.ModTime(), err)
	}
	if n, err := SweepSources(cache, "", SourceMaxAge); n != 0 || err != nil {
		t.Fatalf("SweepSources removed %d (%v) sources a kernel just started with", n, err)
	}
}

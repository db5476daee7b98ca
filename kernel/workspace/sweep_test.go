package workspace

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
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

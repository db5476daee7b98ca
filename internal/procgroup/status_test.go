package procgroup

import (
	"errors"
	"os/exec"
	"testing"
)

func TestStatus(t *testing.T) {
	tests := []struct {
		script string // run by sh -c; "" for a command that cannot start
		want   string
	}{
		{"exit 0", "exited with status 0"},
		{"exit 3", "exited with status 3"},
		{"kill -9 $$", "was killed by signal 9 (SIGKILL)"},
		{"kill -TERM $$", "was killed by signal 15 (SIGTERM)"},
		{"kill -SEGV $$", "was killed by signal 11 (SIGSEGV)"},
	}
	for _, tt := range tests {
		err := exec.Command("sh", "-c", tt.script).Run()
		if got := Status(err); got != tt.want {
			t.Errorf("sh -c %q: Status = %q, want %q", tt.script, got, tt.want)
		}
	}
	if got := Status(errors.New("exec: \"nope\": not found")); got != "exec: \"nope\": not found" {
		t.Errorf("Status of a start error = %q", got)
	}
}

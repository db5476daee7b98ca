package procgroup

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// alive reports whether process pid exists (and is not a zombie).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	out, err := exec.Command("ps", "-o", "stat=", "-p", strconv.Itoa(pid)).Output()
	return err == nil && !strings.HasPrefix(strings.TrimSpace(string(out)), "Z")
}

func TestRunStopsGrandchildrenOnCancel(t *testing.T) {
	// The shell starts a grandchild that ignores SIGINT; SIGKILL after the
	// grace period must take it too.
	cmd := exec.Command("sh", "-c", `trap "" INT; sleep 300 & echo $!; wait`)
	cmd.SysProcAttr = Attr()
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, cmd, 200*time.Millisecond) }()
	buf := make([]byte, 32)
	n, err := out.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	grandchild, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err == nil {
		t.Error("Run returned nil for a killed command")
	}
	deadline := time.Now().Add(5 * time.Second)
	for alive(grandchild) {
		if time.Now().After(deadline) {
			t.Fatalf("grandchild %d survived", grandchild)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRunKillsWhatTheLeaderLeft(t *testing.T) {
	cmd := exec.Command("sh", "-c", `sleep 300 & echo $!`)
	cmd.SysProcAttr = Attr()
	var sb strings.Builder
	cmd.Stdout = &sb
	if err := Run(context.Background(), cmd, time.Second); err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(sb.String()))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("background process %d outlived its leader", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

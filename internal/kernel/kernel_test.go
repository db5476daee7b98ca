package kernel

import (
	"context"
	"encoding/json"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/conclab/conclab/internal/memlimit"
)

// A kernel that returns leaves none of its goroutines behind: a host that
// runs kernels in-process (the tests do) must not grow with each.
func TestRunLeavesNoGoroutines(t *testing.T) {
	t.Setenv("CONCLAB_MEMORY_LIMITER", memlimit.Poll) // no cgroup for the test process
	dir := t.TempDir()
	conn, err := json.Marshal(map[string]any{
		"transport": "ipc", "ip": filepath.Join(dir, "kernel"), "key": "test-key",
		"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5,
	})
	if err != nil {
		t.Fatal(err)
	}
	connFile := filepath.Join(dir, "connection.json")
	if err := os.WriteFile(connFile, conn, 0o600); err != nil {
		t.Fatal(err)
	}
	// os/signal starts its one goroutine at the first Notify, for good.
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGWINCH)
	signal.Stop(c)
	before := runtime.NumGoroutine()

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- Run(ctx, Config{ConnectionFile: connFile, CacheDir: filepath.Join(dir, "cache")}) }()
	// Cancel once the kernel serves: its signal loop has started.
	waitUntil(t, 30*time.Second, "the kernel to serve", func() bool { return strings.Contains(stacks(), "kernel.sigLoop") })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	waitUntil(t, 10*time.Second, "the kernel's goroutines to end", func() bool {
		return runtime.NumGoroutine() <= before && !strings.Contains(stacks(), "kernel.sigLoop")
	})
}

// waitUntil polls cond until it holds, and fails the test with the running
// goroutines if it does not within d.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s; goroutines:\n%s", d, what, stacks())
		}
	}
}

// stacks is the stacks of all goroutines.
func stacks() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

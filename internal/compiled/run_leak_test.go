package compiled

import (
	"errors"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/conclab/conclab/internal/engine"
)

// openFDs counts the descriptors this process has open.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count descriptors: %v", err)
	}
	return len(ents)
}

// settled waits until the process is back to at most fds descriptors and
// goroutines goroutines, and reports the counts it ended with.
func settled(t *testing.T, fds, goroutines int) (int, int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for {
		f, g := openFDs(t), runtime.NumGoroutine()
		if (f <= fds && g <= goroutines) || time.Now().After(deadline) {
			return f, g
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRunSetupFailureLeaksNothing makes the last step of a run's setup (the
// pipe of the shown value) fail and checks that what the steps before it
// opened is closed: no descriptor and no goroutine is left behind. Before
// the run had one place that closes, this failure left the stdout pipe's
// read end and the stderr copy (a pipe and its goroutine) open.
func TestRunSetupFailureLeaksNothing(t *testing.T) {
	e := newEngine(t)
	const src = "x := 2\nx * 21"
	out := &recorder{}
	// A first run builds the program and starts what the engine keeps
	// (the toolchain's caches), so that the counts below see only the run.
	if err := run(t, e, 1, src, engine.Settings{}, out); err != nil {
		t.Fatal(err)
	}
	failure := errors.New("no pipe for the result")
	e.openResult = func() (*resultReader, error) { return nil, failure }
	fds, goroutines := openFDs(t), runtime.NumGoroutine()
	err := run(t, e, 2, src, engine.Settings{}, &recorder{})
	if !errors.Is(err, failure) {
		t.Fatalf("run with a failing result pipe = %v, want %v", err, failure)
	}
	if f, g := settled(t, fds, goroutines); f > fds || g > goroutines {
		t.Errorf("after a failed setup: %d descriptors open (were %d), %d goroutines (were %d)", f, fds, g, goroutines)
	}
}

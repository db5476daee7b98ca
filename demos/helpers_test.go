package demos_test

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// checkGoroutines notes how many goroutines run now; the function it
// returns fails the test if more are left once the test is done, allowing
// them a moment to finish.
func checkGoroutines(t *testing.T) func() {
	t.Helper()
	before := runtime.NumGoroutine()
	return func() {
		t.Helper()
		var now int
		for range 200 {
			if now = runtime.NumGoroutine(); now <= before {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after:\n%s", before, now, buf[:runtime.Stack(buf, true)])
	}
}

// itoa is strconv.Itoa, short for test tables.
func itoa(i int) string { return strconv.Itoa(i) }

package hazard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/demos"
	"github.com/conclab/conclab/demos/workload"
)

// ErrDeadlock is the cause given to the waits a deadlock watchdog breaks.
var ErrDeadlock = errors.New("deadlock")

// DeadlockConfig sets up Deadlock.
type DeadlockConfig struct {
	// Timeout is how long the watchdog lets the workers go without
	// finishing before it looks for a cycle of waits; default 200ms.
	Timeout time.Duration
	// Ordered has both workers take the locks in the same order, the
	// classic cure: then there is no deadlock.
	Ordered bool
	// Hold is how long a worker works once it holds both locks; default
	// 5ms.
	Hold time.Duration
}

// Deadlock runs two goroutines that each need two locks. Worker g0 takes
// lock 1 then lock 2; worker g1 takes lock 2 then lock 1 (or, with
// cfg.Ordered, lock 1 then lock 2 too). Unordered, each takes its first
// lock and then waits forever for the other's: a deadlock, made certain by
// letting both take their first lock before either reaches for its second.
//
// A watchdog waits cfg.Timeout, looks for a cycle of waits (see Cycle) and,
// when it finds one, breaks it the way a database does: it picks a victim,
// the last worker in the cycle, and cancels its wait with ErrDeadlock; the
// victim gives its lock back and the other worker finishes. The recording
// says who held what and who waited for what (Notes), has Value
// "deadlocked" 1 or 0, and shows each worker's "wait lock" and "hold lock"
// phases, with marks when a lock was taken or given up.
func Deadlock(ctx context.Context, cfg DeadlockConfig) *demos.Recording {
	timeout := cmpOr(cfg.Timeout, 200*time.Millisecond)
	hold := cmpOr(cfg.Hold, 5*time.Millisecond)
	lock1, lock2 := NewLock("lock 1"), NewLock("lock 2")
	bothHoldOne := newLockstep(2)
	// Each worker waits under a context of its own, so that the watchdog
	// can cancel the victim's wait alone.
	var cancelsMu sync.Mutex
	cancels := map[string]context.CancelCauseFunc{}

	worker := func(first, second *Lock) func(t *demos.T) {
		return func(t *demos.T) {
			who := t.Lane()
			ctx, cancel := context.WithCancelCause(ctx)
			defer cancel(nil)
			cancelsMu.Lock()
			cancels[who] = cancel
			cancelsMu.Unlock()
			t.Phase("wait lock")
			if err := first.Lock(ctx, who); err != nil {
				t.Fail(err)
				return
			}
			t.Mark("got " + first.Name())
			t.Phase("hold lock")
			if !cfg.Ordered {
				if err := bothHoldOne.await(ctx); err != nil {
					first.Unlock()
					t.Fail(err)
					return
				}
			}
			t.Phase("wait lock")
			if err := second.Lock(ctx, who); err != nil {
				t.Mark("gave up " + second.Name())
				first.Unlock()
				t.Fail(err)
				return
			}
			t.Mark("got " + second.Name())
			t.Phase("hold lock")
			workload.Sleep(ctx, hold)
			second.Unlock()
			first.Unlock()
			t.SetResult("done")
		}
	}
	g1First, g1Second := lock2, lock1
	if cfg.Ordered {
		g1First, g1Second = lock1, lock2
	}

	finished := make(chan struct{})
	var found []link
	var foundAfter time.Duration
	var watchdog sync.WaitGroup
	watchdog.Add(1)
	start := time.Now()
	go func() {
		defer watchdog.Done()
		for {
			select {
			case <-finished:
				return
			case <-ctx.Done():
				return
			case <-time.After(timeout):
			}
			if c := cycle([]*Lock{lock1, lock2}); c != nil {
				found, foundAfter = c, time.Since(start)
				victim := c[len(c)-1].who
				cancelsMu.Lock()
				cancels[victim](ErrDeadlock)
				cancelsMu.Unlock()
				return
			}
		}
	}()
	rec := demos.Concurrent(worker(lock1, lock2), worker(g1First, g1Second))
	close(finished)
	watchdog.Wait()

	rec.Kind = "deadlock"
	rec.Title = "deadlock: locks taken in opposite orders"
	if cfg.Ordered {
		rec.Title = "no deadlock: locks taken in the same order"
	}
	deadlocked := 0.0
	if found != nil {
		deadlocked = 1
		lines := make([]string, len(found))
		for i, k := range found {
			lines[i] = k.String()
		}
		victim := found[len(found)-1]
		rec.NoteFirst(fmt.Sprintf("deadlock found after %s: %s", demos.FormatDuration(foundAfter), strings.Join(lines, "; ")),
			fmt.Sprintf("the watchdog broke it by making %s give up waiting for %s", victim.who, victim.waitsFor))
	} else if !cfg.Ordered {
		rec.NoteFirst("no deadlock this time")
	}
	rec.Values = map[string]float64{"deadlocked": deadlocked}
	return rec
}

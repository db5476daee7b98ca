package hazard

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/conclab/conclab/demos"
	"github.com/conclab/conclab/demos/workload"
)

// StarvationConfig sets up Starvation.
type StarvationConfig struct {
	// Duration is how long the two workers compete; default 200ms.
	Duration time.Duration
	// GreedyHold is how long the greedy worker keeps the lock each time
	// it takes it; default 2ms.
	GreedyHold time.Duration
	// PoliteHold is how long the polite worker needs the lock; default
	// 100µs.
	PoliteHold time.Duration
	// PolitePause is how long the polite worker waits before looking at
	// the lock again; default 100µs.
	PolitePause time.Duration
	// Fair has the polite worker queue for the lock (sync.Mutex.Lock)
	// instead of taking it only when it finds it free. Go's mutex hands
	// the lock to a waiter that has waited over a millisecond, so the
	// polite worker gets its turns.
	Fair bool
}

// Starvation runs a greedy worker, which takes a lock, keeps it for a
// while and takes it again the moment it lets go, against a polite worker,
// which needs the lock only briefly but takes it only when it finds it free
// (sync.Mutex.TryLock) and pauses otherwise. The polite worker almost never
// finds the lock free: it starves, although it never waits on the lock
// (TryLock does not block; it sleeps between tries) and the lock is hardly
// ever contended at the moment of release.
//
// Both run for cfg.Duration. Phases show "hold lock", "wait lock" and
// "pause"; Values give each worker's acquisitions, the share of the run it
// held the lock, and the polite worker's longest wait in milliseconds.
// With cfg.Fair the polite worker queues instead, and gets its share.
func Starvation(ctx context.Context, cfg StarvationConfig) *demos.Recording {
	duration := cmpOr(cfg.Duration, 200*time.Millisecond)
	greedyHold := cmpOr(cfg.GreedyHold, 2*time.Millisecond)
	politeHold := cmpOr(cfg.PoliteHold, 100*time.Microsecond)
	politePause := cmpOr(cfg.PolitePause, 100*time.Microsecond)
	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	var mu sync.Mutex
	var greedy, polite struct {
		acquired int
		held     time.Duration
	}
	var longestWait time.Duration

	greedyWorker := func(t *demos.T) {
		for ctx.Err() == nil {
			t.Phase("wait lock")
			mu.Lock()
			t.Phase("hold lock")
			start := time.Now()
			workload.Sleep(ctx, greedyHold)
			greedy.held += time.Since(start)
			greedy.acquired++
			mu.Unlock()
		}
		t.SetResult(fmt.Sprintf("%d acquisitions", greedy.acquired))
	}
	politeWorker := func(t *demos.T) {
		for ctx.Err() == nil {
			t.Phase("wait lock")
			waitStart := time.Now()
			if cfg.Fair {
				mu.Lock()
			} else {
				for !mu.TryLock() {
					if workload.Sleep(ctx, politePause) != nil {
						t.SetResult(fmt.Sprintf("%d acquisitions", polite.acquired))
						return
					}
				}
			}
			longestWait = max(longestWait, time.Since(waitStart))
			t.Phase("hold lock")
			start := time.Now()
			workload.Sleep(ctx, politeHold)
			polite.held += time.Since(start)
			polite.acquired++
			mu.Unlock()
			t.Phase("pause")
			workload.Sleep(ctx, politePause)
		}
		t.SetResult(fmt.Sprintf("%d acquisitions", polite.acquired))
	}
	rec := demos.Concurrent(greedyWorker, politeWorker)
	rec.Tasks[0].Lane, rec.Tasks[1].Lane = "greedy", "polite"
	rec.Kind = "starvation"
	rec.Title = "starvation: greedy vs polite worker"
	if cfg.Fair {
		rec.Title = "no starvation: the polite worker queues for the lock"
	}
	share := func(d time.Duration) float64 { return float64(d) / float64(rec.Wall) }
	rec.Values = map[string]float64{
		"greedy_acquisitions":    float64(greedy.acquired),
		"polite_acquisitions":    float64(polite.acquired),
		"greedy_hold_share":      share(greedy.held),
		"polite_hold_share":      share(polite.held),
		"polite_longest_wait_ms": float64(longestWait) / float64(time.Millisecond),
	}
	rec.NoteFirst(fmt.Sprintf("the greedy worker held the lock %.0f%% of the time (%d times), the polite one %.1f%% (%d times)",
		100*share(greedy.held), greedy.acquired, 100*share(polite.held), polite.acquired))
	return rec
}

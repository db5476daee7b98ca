package hazard

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/conclab/conclab/demos"
	"github.com/conclab/conclab/demos/workload"
)

// LivelockConfig sets up Livelock.
type LivelockConfig struct {
	// Rounds is how many times each worker tries before giving up;
	// default 20.
	Rounds int
	// Step is how long each step of a try (take, reach, back off) takes;
	// default 2ms.
	Step time.Duration
	// Backoff has a worker that failed wait a random number of rounds
	// (0 to 2) before trying again, which breaks the symmetry: soon one
	// tries while the other waits, and gets through.
	Backoff bool
	// Seed seeds the backoff's randomness, so a run can be repeated.
	Seed uint64
}

// Livelock runs two polite workers that each need two resources. Each
// round, g0 takes resource A and g1 takes resource B; then each reaches for
// the other one, finds it taken, and politely puts its own back to let the
// other go first. Moving in lockstep, as perfectly symmetric timing would
// have them, they do this forever: both always busy ("take", "reach",
// "back off" phases), neither making progress. Unlike a deadlock, neither
// waits for a resource the other holds (TryLock never blocks): each keeps
// stepping, so nothing hangs, which makes a livelock harder to spot. Each
// step is a short sleep followed by a meeting with the other worker, which
// the recording's states show as sleeping and waiting in a select.
//
// The run is bounded: a worker gives up after cfg.Rounds tries. With
// cfg.Backoff the symmetry breaks and both finish. Values: "rounds", and
// "finished", how many workers got both resources.
func Livelock(ctx context.Context, cfg LivelockConfig) *demos.Recording {
	rounds := cmpOr(cfg.Rounds, 20)
	step := cmpOr(cfg.Step, 2*time.Millisecond)
	a, b := NewLock("resource A"), NewLock("resource B")
	steps := newLockstep(2)
	tries := make([]int, 2)

	worker := func(id int, mine, theirs *Lock) func(t *demos.T) {
		rng := rand.New(rand.NewPCG(cfg.Seed, uint64(id)))
		return func(t *demos.T) {
			defer steps.leave()
			who := t.Lane()
			skip := 0
			for r := range rounds {
				// Every round has three meeting points, whatever the worker
				// does in it, so that the two stay in step: after taking,
				// after reaching (so both reach before either lets go), and
				// after backing off.
				if skip > 0 {
					skip--
					t.Phase("wait")
					for range 3 {
						if !pause(ctx, t, steps, step) {
							return
						}
					}
					continue
				}
				tries[id]++
				t.Phase("take")
				took := mine.TryLock(who)
				if !pause(ctx, t, steps, step) {
					if took {
						mine.Unlock()
					}
					return
				}
				t.Phase("reach")
				got := took && theirs.TryLock(who)
				if !pause(ctx, t, steps, step) {
					if got {
						theirs.Unlock()
					}
					if took {
						mine.Unlock()
					}
					return
				}
				if got {
					t.Mark(fmt.Sprintf("got both in round %d", r+1))
					t.Phase("work")
					workload.Sleep(ctx, step)
					theirs.Unlock()
					mine.Unlock()
					t.SetResult(fmt.Sprintf("done after %d tries", tries[id]))
					return
				}
				if took {
					mine.Unlock()
				}
				t.Phase("back off")
				t.Mark("retry")
				if cfg.Backoff {
					skip = rng.IntN(3)
				}
				if !pause(ctx, t, steps, step) {
					return
				}
			}
			t.Fail(fmt.Errorf("gave up after %d tries without ever holding both resources", tries[id]))
		}
	}
	rec := demos.Concurrent(worker(0, a, b), worker(1, b, a))
	rec.Kind = "livelock"
	rec.Title = "livelock: two polite workers"
	if cfg.Backoff {
		rec.Title = "livelock broken by random backoff"
	}
	finished := 0
	for _, task := range rec.Tasks {
		if task.Err == "" {
			finished++
		}
	}
	rec.Values = map[string]float64{"rounds": float64(rounds), "finished": float64(finished)}
	if finished == 0 {
		rec.NoteFirst(fmt.Sprintf("livelock: for %d rounds both workers kept taking, reaching and backing off, and neither got both resources", rounds))
	}
	return rec
}

// pause spends one step and then meets the other worker; it reports false,
// failing the task, if ctx ended.
func pause(ctx context.Context, t *demos.T, steps *lockstep, step time.Duration) bool {
	err := workload.Sleep(ctx, step)
	if err == nil {
		err = steps.await(ctx)
	}
	if err != nil {
		t.Fail(err)
		return false
	}
	return true
}

package hazard_test

import (
	"context"
	"fmt"
	"time"

	"github.com/conclab/conclab/demos/hazard"
)

func ExampleRace() {
	for _, mode := range []hazard.RaceMode{hazard.Unsynchronized, hazard.Mutex, hazard.Atomic} {
		rec := hazard.Race(hazard.RaceConfig{Goroutines: 4, Increments: 10_000, Mode: mode, Yield: true})
		fmt.Printf("%-14s expected %v, lost some: %v\n", mode, rec.Values["expected"], rec.Values["lost"] > 0)
	}
	// Output:
	// unsynchronized expected 40000, lost some: true
	// mutex          expected 40000, lost some: false
	// atomic         expected 40000, lost some: false
}

func ExampleDeadlock() {
	rec := hazard.Deadlock(context.Background(), hazard.DeadlockConfig{Timeout: 50 * time.Millisecond})
	fmt.Println("deadlocked:", rec.Values["deadlocked"])
	for _, t := range rec.Tasks {
		fmt.Printf("%s %q %q\n", t.Lane, t.Result, t.Err)
	}
	fmt.Println(rec.Notes[1])
	rec = hazard.Deadlock(context.Background(), hazard.DeadlockConfig{Ordered: true})
	fmt.Println("with ordered locks, deadlocked:", rec.Values["deadlocked"])
	// Output:
	// deadlocked: 1
	// g0 "done" ""
	// g1 "" "gave up waiting for lock 1 (held by g0): deadlock"
	// the watchdog broke it by making g1 give up waiting for lock 1
	// with ordered locks, deadlocked: 0
}

func ExampleLivelock() {
	rec := hazard.Livelock(context.Background(), hazard.LivelockConfig{Rounds: 5, Step: time.Millisecond})
	fmt.Println("finished:", rec.Values["finished"])
	fmt.Println(rec.Tasks[0].Err)
	rec = hazard.Livelock(context.Background(), hazard.LivelockConfig{Rounds: 50, Step: time.Millisecond, Backoff: true, Seed: 1})
	fmt.Println("with backoff, finished:", rec.Values["finished"])
	// Output:
	// finished: 0
	// gave up after 5 tries without ever holding both resources
	// with backoff, finished: 2
}

func ExampleStarvation() {
	rec := hazard.Starvation(context.Background(), hazard.StarvationConfig{Duration: 50 * time.Millisecond})
	v := rec.Values
	fmt.Println(rec.Lanes(), v["greedy_hold_share"] > v["polite_hold_share"])
	// Output: [greedy polite] true
}

func ExampleCycle() {
	ctx, cancel := context.WithCancelCause(context.Background())
	a, b := hazard.NewLock("a"), hazard.NewLock("b")
	a.Lock(ctx, "alice")
	b.Lock(ctx, "bob")
	done := make(chan error, 2)
	go func() { done <- b.Lock(ctx, "alice") }()
	go func() { done <- a.Lock(ctx, "bob") }()
	for len(a.Waiters())+len(b.Waiters()) < 2 {
		time.Sleep(time.Millisecond)
	}
	for _, line := range hazard.Cycle(a, b) {
		fmt.Println(line)
	}
	cancel(hazard.ErrDeadlock)
	fmt.Println(<-done != nil, <-done != nil)
	// Output:
	// alice holds a and waits for b, held by bob
	// bob holds b and waits for a, held by alice
	// true true
}

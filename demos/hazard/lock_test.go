package hazard

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestLockAndCycle(t *testing.T) {
	defer checkGoroutines(t)()
	a, b, c := NewLock("a"), NewLock("b"), NewLock("c")
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	if !a.TryLock("x") || a.TryLock("y") {
		t.Fatal("TryLock")
	}
	if a.Holder() != "x" || a.Name() != "a" {
		t.Errorf("holder %q name %q", a.Holder(), a.Name())
	}
	if !b.TryLock("y") || !c.TryLock("z") {
		t.Fatal("TryLock")
	}
	if Cycle(a, b, c) != nil {
		t.Error("a cycle without waiters")
	}
	errs := make(chan error, 3)
	go func() { errs <- a.Lock(ctx, "y") }() // y waits for x
	go func() { errs <- b.Lock(ctx, "z") }() // z waits for y: a chain, no cycle yet
	waitFor(t, func() bool { return len(a.Waiters()) == 1 && len(b.Waiters()) == 1 })
	if got := Cycle(a, b, c); got != nil {
		t.Errorf("a chain taken for a cycle: %q", got)
	}
	go func() { errs <- c.Lock(ctx, "x") }() // x waits for z: x -> z -> y -> x
	waitFor(t, func() bool { return len(c.Waiters()) == 1 })
	got := Cycle(a, b, c)
	want := []string{
		"x holds a and waits for c, held by z",
		"z holds c and waits for b, held by y",
		"y holds b and waits for a, held by x",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Cycle =\n%q\nwant\n%q", got, want)
	}
	cancel(ErrDeadlock)
	for range 3 {
		if err := <-errs; !errors.Is(err, ErrDeadlock) {
			t.Errorf("broken wait: %v", err)
		}
	}
	if len(a.Waiters())+len(b.Waiters())+len(c.Waiters()) != 0 {
		t.Error("waiters left after cancel")
	}
	a.Unlock()
	if a.Holder() != "" || !a.TryLock("w") {
		t.Error("a is not free after Unlock")
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic unlocking a free lock")
		}
	}()
	a.Unlock()
	a.Unlock()
}

// waitFor polls cond until it holds, failing the test after a generous
// deadline.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
		time.Sleep(time.Millisecond)
	}
}

package hazard

import (
	"context"
	"fmt"
	"sync"
)

// A lockstep is a reusable barrier: the parties wait at it until all have
// arrived, then all go on together. It models perfectly symmetric timing,
// which some hazards need in order to happen every time instead of now and
// then. A party that is done leaves, and the others stop waiting for it.
type lockstep struct {
	mu      sync.Mutex
	parties int
	arrived int
	release chan struct{}
}

// newLockstep makes a barrier for n parties.
func newLockstep(n int) *lockstep {
	return &lockstep{parties: n, release: make(chan struct{})}
}

// await waits for the other parties, or for ctx to end.
func (b *lockstep) await(ctx context.Context) error {
	b.mu.Lock()
	b.arrived++
	ch := b.release
	b.openIfAllThere()
	b.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for the others: %w", context.Cause(ctx))
	}
}

// leave removes a party for good.
func (b *lockstep) leave() {
	b.mu.Lock()
	b.parties--
	b.openIfAllThere()
	b.mu.Unlock()
}

// openIfAllThere lets the waiting parties go if every party has arrived;
// b.mu is held.
func (b *lockstep) openIfAllThere() {
	if b.arrived > 0 && b.arrived >= b.parties {
		close(b.release)
		b.release = make(chan struct{})
		b.arrived = 0
	}
}

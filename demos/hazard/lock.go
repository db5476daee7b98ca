package hazard

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// A Lock is a mutex that knows who holds it and who waits for it, so that
// a deadlock can be explained and not just suffered, and whose Lock gives
// up when its context ends. Holders and waiters are named by the caller,
// usually with their lane (T.Lane).
type Lock struct {
	name string
	sem  chan struct{} // holds a token while the lock is held

	mu      sync.Mutex
	holder  string
	waiters []string
}

// NewLock makes an unlocked Lock called name.
func NewLock(name string) *Lock {
	return &Lock{name: name, sem: make(chan struct{}, 1)}
}

// Name is the lock's name.
func (l *Lock) Name() string { return l.name }

// Lock waits until the lock is free and takes it for who, or returns the
// context's error if ctx ends first.
func (l *Lock) Lock(ctx context.Context, who string) error {
	l.mu.Lock()
	l.waiters = append(l.waiters, who)
	l.mu.Unlock()
	select {
	case l.sem <- struct{}{}:
		if ctx.Err() == nil {
			l.mu.Lock()
			l.dropWaiter(who)
			l.holder = who
			l.mu.Unlock()
			return nil
		}
		// The lock came free as ctx ended: giving up is the outcome that
		// does not depend on which of the two select noticed first.
		<-l.sem
	case <-ctx.Done():
	}
	l.mu.Lock()
	l.dropWaiter(who)
	holder := l.holder
	l.mu.Unlock()
	if holder == "" {
		return fmt.Errorf("gave up waiting for %s: %w", l.name, context.Cause(ctx))
	}
	return fmt.Errorf("gave up waiting for %s (held by %s): %w", l.name, holder, context.Cause(ctx))
}

// TryLock takes the lock for who if it is free, without waiting, and
// reports whether it did.
func (l *Lock) TryLock(who string) bool {
	select {
	case l.sem <- struct{}{}:
		l.mu.Lock()
		l.holder = who
		l.mu.Unlock()
		return true
	default:
		return false
	}
}

// Unlock frees the lock. Unlocking a free lock is a mistake, as with
// sync.Mutex, and panics.
func (l *Lock) Unlock() {
	l.mu.Lock()
	l.holder = ""
	l.mu.Unlock()
	select {
	case <-l.sem:
	default:
		panic("hazard: unlock of unlocked " + l.name)
	}
}

// Holder is who holds the lock now, or "".
func (l *Lock) Holder() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.holder
}

// Waiters are who wait for the lock now, in the order they began waiting.
func (l *Lock) Waiters() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.waiters)
}

// dropWaiter removes one wait by who; l.mu is held.
func (l *Lock) dropWaiter(who string) {
	if i := slices.Index(l.waiters, who); i >= 0 {
		l.waiters = slices.Delete(l.waiters, i, i+1)
	}
}

// Cycle looks for a deadlock among locks: a chain of waiters, each waiting
// for a lock held by the next, that comes back to where it started. It
// returns one sentence per link ("g0 holds lock 1 and waits for lock 2,
// held by g1"), or nil if no one waits in a circle. The locks are read one
// after another, so Cycle is exact only once the waiting has settled, as
// it has in a deadlock.
func Cycle(locks ...*Lock) []string {
	links := cycle(locks)
	if links == nil {
		return nil
	}
	lines := make([]string, len(links))
	for i, k := range links {
		lines[i] = k.String()
	}
	return lines
}

// A link of a cycle of waits: who, holding some locks, waits for a lock
// held by the next.
type link struct {
	who      string
	holds    []string
	waitsFor string
	heldBy   string
}

// String says it in a sentence.
func (k link) String() string {
	return fmt.Sprintf("%s holds %s and waits for %s, held by %s", k.who, orNothing(k.holds), k.waitsFor, k.heldBy)
}

// cycle finds a cycle of waits among locks, or returns nil.
func cycle(locks []*Lock) []link {
	heldBy := map[string][]string{} // who -> names of the locks held
	holder := map[*Lock]string{}    // lock -> who holds it
	waitsFor := map[string]*Lock{}  // who -> the lock waited for
	for _, l := range locks {
		l.mu.Lock()
		holder[l] = l.holder
		if l.holder != "" {
			heldBy[l.holder] = append(heldBy[l.holder], l.name)
		}
		for _, w := range l.waiters {
			waitsFor[w] = l
		}
		l.mu.Unlock()
	}
	// Follow the waits-for edges from each waiter, in a stable order.
	starts := make([]string, 0, len(waitsFor))
	for w := range waitsFor {
		starts = append(starts, w)
	}
	slices.Sort(starts)
	for _, start := range starts {
		var path []link
		who := start
		for range len(waitsFor) {
			l, waits := waitsFor[who]
			if !waits || holder[l] == "" {
				break
			}
			next := holder[l]
			path = append(path, link{who: who, holds: heldBy[who], waitsFor: l.name, heldBy: next})
			if next == start {
				return path
			}
			who = next
		}
	}
	return nil
}

// orNothing joins lock names, or says there are none.
func orNothing(names []string) string {
	if len(names) == 0 {
		return "nothing"
	}
	return strings.Join(names, " and ")
}

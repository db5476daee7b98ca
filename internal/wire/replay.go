package wire

import "sync"

// replayWindow is how many signatures a kernel remembers to refuse replayed
// messages; jupyter_client's Session keeps the same number.
const replayWindow = 1 << 16

// replayGuard remembers recent signatures, as jupyter_client's
// digest_history does, so that a captured signed message cannot be sent
// again. It forgets the oldest signature first once full. One guard is
// shared by all channels of a kernel, since they share one key.
type replayGuard struct {
	mu    sync.Mutex
	seen  map[string]struct{}
	order []string // ring buffer of the remembered signatures, oldest at next
	next  int
}

func newReplayGuard(size int) *replayGuard {
	return &replayGuard{seen: make(map[string]struct{}, size), order: make([]string, 0, size)}
}

// firstUse records sig and reports whether it was not seen before.
func (g *replayGuard) firstUse(sig []byte) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, dup := g.seen[string(sig)]; dup {
		return false
	}
	s := string(sig)
	g.seen[s] = struct{}{}
	if len(g.order) < cap(g.order) {
		g.order = append(g.order, s)
		return true
	}
	delete(g.seen, g.order[g.next])
	g.order[g.next] = s
	g.next = (g.next + 1) % len(g.order)
	return true
}

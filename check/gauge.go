package check

import "sync"

// A Gauge counts how many goroutines are between Enter and Leave at once,
// and the most there ever were: give a pool's job function to the
// exercise wrapped in Enter and Leave, then check Max against the bound.
// The zero value is ready to use; a Gauge must not be copied after use.
type Gauge struct {
	mu       sync.Mutex
	now, max int
}

// Enter counts one more goroutine inside.
func (g *Gauge) Enter() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now++
	g.max = max(g.max, g.now)
}

// Leave counts one fewer.
func (g *Gauge) Leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now--
}

// Max is the most goroutines that were inside at once.
func (g *Gauge) Max() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.max
}

// Inside is how many goroutines are inside now.
func (g *Gauge) Inside() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.now
}

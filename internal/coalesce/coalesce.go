// Package coalesce merges rapid updates of the same thing into the latest
// one, sent at a bounded rate. The kernel uses it for update_display_data:
// a progress loop that updates one display thousands of times a second
// would otherwise flood the frontend with values nobody sees.
package coalesce

import (
	"sync"
	"time"
)

// Latest sends values keyed by a string (a display_id), at most about one
// per key and interval: a value that comes sooner than interval after the
// last one sent for its key waits, and a newer value for the key replaces
// it. The last value of each key is always sent, by the timer or by
// [Latest.Flush], [Latest.FlushAll] or [Latest.Close]. Values are sent in
// the order their keys first waited. It is safe for concurrent use; send is
// called with a lock held, so calls never overlap and never come after
// Close returns, and send must not call back into the Latest.
type Latest[V any] struct {
	interval time.Duration
	send     func(V)

	mu      sync.Mutex
	sent    map[string]time.Time // when each key's value was last sent
	pending map[string]V
	order   []string    // the keys of pending, in the order they began to wait
	timer   *time.Timer // armed while values wait
	closed  bool
}

// New returns a Latest that passes values to send.
func New[V any](interval time.Duration, send func(V)) *Latest[V] {
	return &Latest[V]{interval: interval, send: send, sent: make(map[string]time.Time), pending: make(map[string]V)}
}

// Put sends v now if nothing was sent for key in the last interval, and
// otherwise keeps it to send when the interval is over, in place of any
// value of key that waits already. After Close, Put sends at once.
func (l *Latest[V]) Put(key string, v V) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if _, waiting := l.pending[key]; waiting {
		l.pending[key] = v
		return
	}
	if last, ok := l.sent[key]; l.closed || !ok || now.Sub(last) >= l.interval {
		l.sent[key] = now
		l.send(v)
		return
	}
	l.pending[key] = v
	l.order = append(l.order, key)
	if l.timer == nil {
		l.timer = time.AfterFunc(l.sent[key].Add(l.interval).Sub(now), l.tick)
	}
}

// Flush sends the value of key that waits, if any, now: before something
// that must not overtake it, such as a new display with the same id.
func (l *Latest[V]) Flush(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if v, ok := l.pending[key]; ok {
		delete(l.pending, key)
		for i, k := range l.order {
			if k == key {
				l.order = append(l.order[:i], l.order[i+1:]...)
				break
			}
		}
		l.sent[key] = time.Now()
		l.send(v)
	}
}

// FlushAll sends every value that waits, now.
func (l *Latest[V]) FlushAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
}

// Close sends every value that waits and stops the timer; later values are
// sent at once.
func (l *Latest[V]) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
	l.closed = true
}

// tick sends what waits when the interval is over.
func (l *Latest[V]) tick() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.timer = nil
	l.flushLocked()
}

func (l *Latest[V]) flushLocked() {
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	now := time.Now()
	for _, key := range l.order {
		l.sent[key] = now
		l.send(l.pending[key])
		delete(l.pending, key)
	}
	l.order = l.order[:0]
}

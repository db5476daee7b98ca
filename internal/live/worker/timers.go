package worker

import (
	"context"
	"reflect"
	"sync"
	"time"
	"weak"

	"github.com/traefik/yaegi/interp"
)

// timers records the timers interpreted code starts, so that the deadlock
// watcher knows when a timer may still wake a blocked goroutine: a goroutine
// waiting on <-time.After(d) looks blocked in a goroutine dump, yet is not.
// The interpreter gets wrappers of the time and context functions that
// start timers. A Timer that is Reset after its first deadline is not seen.
//
// Whether a Ticker was stopped cannot be asked, and one the cells no longer
// reach may still be reachable from the interpreter's frames. So a ticker
// that may still tick does not stop deadlock detection: it lengthens the
// time the goroutines must stay blocked to two of its periods, after which
// a goroutine waiting for it would have moved.
type timers struct {
	mu        sync.Mutex
	deadlines []time.Time
	tickers   []ticker
}

// ticker is a Ticker of the cells, or the one behind time.Tick.
type ticker struct {
	p     weak.Pointer[time.Ticker] // zero for time.Tick, which never stops
	every time.Duration
}

func (k ticker) alive() bool { return k.p == (weak.Pointer[time.Ticker]{}) || k.p.Value() != nil }

// until notes a timer that fires after d.
func (t *timers) until(d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.deadlines = append(t.deadlines, time.Now().Add(d))
}

// pending reports whether a timer of the cells may still fire, and for how
// long goroutines must stay blocked before the tickers that may still tick
// would have woken one.
func (t *timers) pending() (bool, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	kept := t.deadlines[:0]
	for _, d := range t.deadlines {
		if d.After(now) {
			kept = append(kept, d)
		}
	}
	t.deadlines = kept
	live := t.tickers[:0]
	var wait time.Duration
	for _, k := range t.tickers {
		if k.alive() {
			live = append(live, k)
			wait = max(wait, 2*k.every)
		}
	}
	t.tickers = live
	return len(t.deadlines) > 0, wait
}

// symbols returns the wrappers the interpreter uses in place of the time
// and context functions that start timers.
func (t *timers) symbols() interp.Exports {
	return interp.Exports{
		"time/time": {
			"After": reflect.ValueOf(func(d time.Duration) <-chan time.Time {
				t.until(d)
				return time.After(d)
			}),
			"NewTimer": reflect.ValueOf(func(d time.Duration) *time.Timer {
				t.until(d)
				return time.NewTimer(d)
			}),
			"AfterFunc": reflect.ValueOf(func(d time.Duration, f func()) *time.Timer {
				t.until(d)
				return time.AfterFunc(d, f)
			}),
			"Tick": reflect.ValueOf(func(d time.Duration) <-chan time.Time {
				t.mu.Lock()
				t.tickers = append(t.tickers, ticker{every: d})
				t.mu.Unlock()
				return time.Tick(d)
			}),
			"NewTicker": reflect.ValueOf(func(d time.Duration) *time.Ticker {
				tk := time.NewTicker(d)
				t.mu.Lock()
				t.tickers = append(t.tickers, ticker{p: weak.Make(tk), every: d})
				t.mu.Unlock()
				return tk
			}),
		},
		"context/context": {
			"WithTimeout": reflect.ValueOf(func(parent context.Context, d time.Duration) (context.Context, context.CancelFunc) {
				t.until(d)
				return context.WithTimeout(parent, d)
			}),
			"WithTimeoutCause": reflect.ValueOf(func(parent context.Context, d time.Duration, cause error) (context.Context, context.CancelFunc) {
				t.until(d)
				return context.WithTimeoutCause(parent, d, cause)
			}),
			"WithDeadline": reflect.ValueOf(func(parent context.Context, at time.Time) (context.Context, context.CancelFunc) {
				t.until(time.Until(at))
				return context.WithDeadline(parent, at)
			}),
			"WithDeadlineCause": reflect.ValueOf(func(parent context.Context, at time.Time, cause error) (context.Context, context.CancelFunc) {
				t.until(time.Until(at))
				return context.WithDeadlineCause(parent, at, cause)
			}),
		},
	}
}

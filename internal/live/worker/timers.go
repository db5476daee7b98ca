package worker

import (
	"context"
	"reflect"
	"runtime"
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
type timers struct {
	mu        sync.Mutex
	deadlines []time.Time
	tickers   []weak.Pointer[time.Ticker]
	forever   bool // time.Tick was called: its ticker never stops
}

// until notes a timer that fires after d.
func (t *timers) until(d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.deadlines = append(t.deadlines, time.Now().Add(d))
}

// pending reports whether a timer of the cells may still fire. A Ticker
// counts while it is reachable: when tickers are recorded, pending collects
// garbage first, so that those of ended goroutines no longer count.
func (t *timers) pending() bool {
	t.mu.Lock()
	n := len(t.tickers)
	t.mu.Unlock()
	if n > 0 {
		runtime.GC()
	}
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
	for _, p := range t.tickers {
		if p.Value() != nil {
			live = append(live, p)
		}
	}
	t.tickers = live
	return t.forever || len(t.deadlines) > 0 || len(t.tickers) > 0
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
				t.forever = true
				t.mu.Unlock()
				return time.Tick(d)
			}),
			"NewTicker": reflect.ValueOf(func(d time.Duration) *time.Ticker {
				tk := time.NewTicker(d)
				t.mu.Lock()
				t.tickers = append(t.tickers, weak.Make(tk))
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

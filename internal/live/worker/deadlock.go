package worker

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/conclab/conclab/internal/live/internal/liveproto"
)

// The Go runtime ends a program whose goroutines are all blocked ("all
// goroutines are asleep - deadlock!"), but never the worker, whose own
// goroutines wait for requests. So while a cell runs, the worker watches the
// goroutines of live cells itself: when every one of them, the cell
// included, is blocked on a channel, a select or a sync primitive, and no
// timer of the cells is pending, nothing can wake them. Sleeping, running,
// system calls and I/O can, and so can code the worker cannot see into: a
// goroutine blocked inside a compiled package other than the runtime, sync
// and reflect (an errgroup, a demos runner with its own timers) counts as
// one that may wake up. The state must hold, unchanged, across three looks
// a watch interval apart before the cell is stopped.

// blockedReasons are the wait reasons of a goroutine dump that only another
// goroutine can end.
var blockedReasons = map[string]bool{
	"chan send": true, "chan receive": true, "select": true, "select (no cases)": true,
	"chan send (nil chan)": true, "chan receive (nil chan)": true,
	"sync.Mutex.Lock": true, "sync.RWMutex.Lock": true, "sync.RWMutex.RLock": true,
	"sync.WaitGroup.Wait": true, "sync.Cond.Wait": true, "semacquire": true,
}

// blockingFrames are the packages whose frames may sit between a blocked
// goroutine's wait and the interpreter.
var blockingFrames = []string{"runtime.", "reflect.", "sync.", "internal/sync.", "github.com/traefik/yaegi/"}

// interpFrame marks a frame of the interpreter.
const interpFrame = "github.com/traefik/yaegi/interp."

// waiter is a goroutine of live cells, blocked.
type waiter struct {
	id     int64
	cell   bool            // the goroutine running the cell
	reason string          // the dump's wait reason
	place  liveproto.Place // the cell line it last could block at; zero if unknown
}

// snapshot is the state of the cells' goroutines at one look; ok is false
// when one of them may still make progress.
type snapshot struct {
	ok      bool
	waiters []waiter
	key     string        // identifies the state, to tell that nothing moved
	wait    time.Duration // how long the state must last: tickers may tick
}

// look takes a snapshot of the cells' goroutines.
func (g *goroutines) look(t *timers, b *blockLines) snapshot {
	var s snapshot
	var key strings.Builder
	for _, st := range g.dump() {
		if g.baseline[st.id] {
			continue
		}
		if bytes.Contains(st.text, []byte("os/signal.signal_recv")) {
			return snapshot{} // a signal may come
		}
		if isDaemon(st.text) {
			continue
		}
		reason, ok := waitReason(st.text)
		if !ok || !blockedReasons[reason] || !waitsInInterpreter(st.text) {
			return snapshot{}
		}
		if reason == "select" && bytes.Contains(st.text, []byte("reflect.Select(")) {
			// The interpreter runs every channel operation as a select.
			reason = "a channel send, receive or select"
		}
		s.waiters = append(s.waiters, waiter{id: st.id, cell: bytes.Contains(st.text, evalCreator), reason: reason, place: b.place(st.id)})
		key.WriteString(strconv.FormatInt(st.id, 10) + " " + reason + "\n")
		key.Write(stackFrames(st.text))
	}
	pending, wait := t.pending()
	if len(s.waiters) == 0 || pending {
		return snapshot{}
	}
	s.ok, s.key, s.wait = true, key.String(), wait
	return s
}

// waitReason reads the wait reason of a goroutine's header, "goroutine 7
// [chan send, 2 minutes]:", without its duration.
func waitReason(text []byte) (string, bool) {
	header, _, _ := bytes.Cut(text, []byte("\n"))
	_, rest, ok := bytes.Cut(header, []byte(" ["))
	if !ok {
		return "", false
	}
	reason, _, ok := bytes.Cut(rest, []byte("]"))
	if !ok {
		return "", false
	}
	r := string(reason)
	if i := strings.LastIndex(r, ", "); i >= 0 && strings.HasSuffix(r, "minutes") {
		r = r[:i]
	}
	return r, true
}

// stackFrames is a dump's goroutine without its header line.
func stackFrames(text []byte) []byte {
	_, rest, _ := bytes.Cut(text, []byte("\n"))
	return rest
}

// waitsInInterpreter reports whether the goroutine's wait was reached from
// interpreted code through the runtime, sync and reflect only.
func waitsInInterpreter(text []byte) bool {
	for _, line := range strings.Split(string(stackFrames(text)), "\n") {
		if line == "" || strings.HasPrefix(line, "\t") {
			continue
		}
		if strings.HasPrefix(line, interpFrame) {
			return true
		}
		known := false
		for _, p := range blockingFrames {
			known = known || strings.HasPrefix(line, p)
		}
		if !known {
			return false
		}
	}
	return false
}

// watchDeadlock looks at the cells' goroutines every interval until ctx
// ends, and returns the waiters when every goroutine stayed blocked, unchanged,
// for three looks in a row and two periods of any ticker that may still
// tick; nil when ctx ended first.
func (g *goroutines) watchDeadlock(ctx context.Context, t *timers, b *blockLines, interval time.Duration) []waiter {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	same := 0
	var last string
	var since time.Time // when the current state was first seen
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		s := g.look(t, b)
		switch {
		case !s.ok:
			same = 0
		case s.key == last:
			same++
		default:
			same, since = 1, time.Now()
		}
		last = s.key
		if same >= 3 && time.Since(since) >= s.wait {
			return s.waiters
		}
	}
}

// deadlockError reports a deadlock of the session's goroutines, found
// while cell (an execution count) ran.
func deadlockError(ws []waiter, cell int) *liveproto.CellError {
	const what = "deadlock: every goroutine of this session is blocked"
	tb := []string{what}
	for _, w := range ws {
		who := "goroutine " + strconv.FormatInt(w.id, 10) + " (started by a live cell)"
		if w.cell {
			who = "the cell"
		}
		switch p := w.place; {
		case p.Line > 0 && p.Cell == cell:
			who += " at line " + strconv.Itoa(p.Line)
		case p.Line > 0:
			who += " at line " + strconv.Itoa(p.Line) + " of cell [" + strconv.Itoa(p.Cell) + "]"
		}
		tb = append(tb, "\t"+who+": blocked in "+w.reason)
	}
	tb = append(tb, "No goroutine is left to send, receive or unlock, and no timer is pending: the cell was stopped.")
	return &liveproto.CellError{Name: "Deadlock", Value: what, Traceback: tb}
}

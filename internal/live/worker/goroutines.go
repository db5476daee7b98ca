package worker

import (
	"bytes"
	"runtime"
	"strconv"
	"time"
)

// goroutines counts what live cells left running. yaegi has no hook for the
// goroutines interpreted code starts, so the worker reads the runtime's
// goroutine dump: every goroutine but those that existed before the first
// cell (the worker's own) and the long-lived helpers of libraries (gonbui's
// reader, os/signal's loop) belongs to live cells, directly or through a
// package they called.
type goroutines struct {
	baseline map[int64]bool
	buf      []byte
	quiet    int // runtime.NumGoroutine when the last count found none
	// gonbui is set once gonbui's reader runs: a cell opened the display
	// pipes, so displays need a sync at the end of each cell.
	gonbui bool
}

// daemons are functions of library goroutines that live as long as the
// process once started; they are not leaks of a cell.
var daemons = [][]byte{
	gonbuiReader,
	[]byte("os/signal.loop"),
	[]byte("os/signal.signal_recv"),
}

// gonbuiReader is the function of gonbui's goroutine reading the kernel's
// answers; it runs once a program opened the display pipes.
var gonbuiReader = []byte("gonbui.pollReaderPipe")

// evalCreator is the function that starts the goroutine running a cell.
var evalCreator = []byte("created by github.com/traefik/yaegi/interp.(*Interpreter).ExecuteWithContext")

func newGoroutines() *goroutines {
	g := &goroutines{baseline: map[int64]bool{}, buf: make([]byte, 64<<10)}
	for _, st := range g.dump() {
		g.baseline[st.id] = true
	}
	g.baseline[goroutineID()] = true // the caller, which dump leaves out
	return g
}

// stack is one goroutine of a dump.
type stack struct {
	id   int64
	text []byte
}

// dump returns every goroutine but the caller's.
func (g *goroutines) dump() []stack {
	for {
		n := runtime.Stack(g.buf, true)
		if n < len(g.buf) {
			return parseStacks(g.buf[:n])[1:] // the caller comes first
		}
		g.buf = make([]byte, 2*len(g.buf))
	}
}

// parseStacks splits a runtime.Stack dump into goroutines.
func parseStacks(b []byte) []stack {
	var out []stack
	for len(b) > 0 {
		block := b
		if i := bytes.Index(b, []byte("\n\ngoroutine ")); i >= 0 {
			block, b = b[:i], b[i+2:]
		} else {
			b = nil
		}
		rest, ok := bytes.CutPrefix(block, []byte("goroutine "))
		if !ok {
			continue
		}
		end := bytes.IndexByte(rest, ' ')
		if end < 0 {
			continue
		}
		id, err := strconv.ParseInt(string(rest[:end]), 10, 64)
		if err != nil {
			continue
		}
		out = append(out, stack{id: id, text: block})
	}
	if len(out) == 0 {
		out = append(out, stack{})
	}
	return out
}

// count returns how many goroutines of live cells are running. A goroutine
// that is just returning (its cell told it to stop) is given a moment: the
// count is taken again, a few milliseconds apart, while it falls.
func (g *goroutines) count() int {
	n := g.countOnce()
	for range 4 {
		if n == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
		m := g.countOnce()
		if m >= n {
			return m
		}
		n = m
	}
	return n
}

// countOnce counts once, from a goroutine dump.
func (g *goroutines) countOnce() int {
	if runtime.NumGoroutine() == g.quiet {
		return 0 // as many as when the last count found none: skip the dump
	}
	n, leaving := 0, false
	for _, st := range g.dump() {
		if bytes.Contains(st.text, gonbuiReader) {
			g.gonbui = true
		}
		switch {
		case bytes.Contains(st.text, evalCreator):
			leaving = true // the goroutine that ran the cell, on its way out
		case !g.baseline[st.id] && !isDaemon(st.text):
			n++
		}
	}
	// Remember the quiet count only when it holds no goroutine that is
	// about to end: else a new goroutine could make up for it later, and
	// the shortcut would hide it.
	if n == 0 && !leaving {
		g.quiet = runtime.NumGoroutine()
	}
	return n
}

// ids lists the goroutines of live cells, as countOnce counts them.
func (g *goroutines) ids() []int64 {
	var out []int64
	for _, st := range g.dump() {
		if !g.baseline[st.id] && !isDaemon(st.text) && !bytes.Contains(st.text, evalCreator) {
			out = append(out, st.id)
		}
	}
	return out
}

func isDaemon(text []byte) bool {
	for _, d := range daemons {
		if bytes.Contains(text, d) {
			return true
		}
	}
	return false
}

// evalEnded waits up to grace for the goroutine that ran an interrupted cell
// to end, and reports whether it did.
func (g *goroutines) evalEnded(grace time.Duration) bool {
	deadline := time.Now().Add(grace)
	for {
		running := false
		for _, st := range g.dump() {
			if bytes.Contains(st.text, evalCreator) {
				running = true
				break
			}
		}
		if !running {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

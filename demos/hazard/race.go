package hazard

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/conclab/conclab/demos"
)

// A RaceMode is how the goroutines of Race update their shared counter.
type RaceMode int

// The ways to update a shared counter.
const (
	// Unsynchronized reads the counter, then writes it back plus one: two
	// steps another goroutine can slip between, so updates are lost. Each
	// step is an atomic access, so this is a race condition without a data
	// race in Go's memory model, and the race detector stays quiet: the
	// Go version of Python's "counter += 1" in threads.
	Unsynchronized RaceMode = iota
	// DataRace increments a plain variable from several goroutines: a true
	// data race. Updates are lost (on more than one core, or with Yield)
	// and the race detector (go test -race, %race in a notebook) reports
	// it.
	DataRace
	// Mutex makes the read and the write one step under a sync.Mutex: no
	// update is lost.
	Mutex
	// Atomic uses one atomic add: no update is lost, and no lock is taken.
	Atomic
)

// String names the mode.
func (m RaceMode) String() string {
	switch m {
	case Unsynchronized:
		return "unsynchronized"
	case DataRace:
		return "data race"
	case Mutex:
		return "mutex"
	case Atomic:
		return "atomic"
	}
	return fmt.Sprintf("RaceMode(%d)", int(m))
}

// RaceConfig sets up Race.
type RaceConfig struct {
	Goroutines int      // how many goroutines increment the counter; default 4
	Increments int      // how many times each does; default 100,000
	Mode       RaceMode // how they do it
	// Yield makes each goroutine give way to the others between reading and
	// writing the counter, as a thread switch at the worst moment would:
	// with it, Unsynchronized and DataRace lose updates even on one core.
	Yield bool
}

// Race has cfg.Goroutines goroutines each add one to a shared counter
// cfg.Increments times, and records how many updates survived: Values
// "expected", "got" and "lost". Each goroutine is a task whose result is
// the number of increments it made.
func Race(cfg RaceConfig) *demos.Recording {
	n := cmpOr(cfg.Goroutines, 4)
	k := cmpOr(cfg.Increments, 100_000)
	inc := counterFor(cfg.Mode, cfg.Yield)
	// All goroutines start incrementing together: without the gate the
	// first could finish before the last is created, and a run in which
	// the goroutines never overlap loses nothing, by luck.
	var ready atomic.Int64
	start := make(chan struct{})
	rec := demos.Goroutines(n, func(t *demos.T) {
		t.Phase("wait for the others")
		if ready.Add(1) == int64(n) {
			close(start)
		}
		<-start
		t.Phase("increment")
		for range k {
			inc.add()
		}
		t.SetResult(k)
	})
	expected, got := int64(n)*int64(k), inc.value()
	rec.Title = "race: " + cfg.Mode.String()
	rec.Kind = "race"
	rec.Values = map[string]float64{"expected": float64(expected), "got": float64(got), "lost": float64(expected - got)}
	if got < expected {
		rec.NoteFirst(fmt.Sprintf("lost %d of %d updates (%.1f%%): increments overwrote each other",
			expected-got, expected, 100*float64(expected-got)/float64(expected)))
	} else {
		rec.NoteFirst(fmt.Sprintf("all %d updates counted", expected))
	}
	return rec
}

// A counter is a shared count updated one way or another.
type counter interface {
	add()
	value() int64
}

// counterFor makes the counter of a mode.
func counterFor(mode RaceMode, yield bool) counter {
	switch mode {
	case DataRace:
		return &plainCounter{yield: yield}
	case Mutex:
		return &mutexCounter{}
	case Atomic:
		return &atomicCounter{}
	}
	return &splitCounter{yield: yield}
}

// splitCounter reads and writes in two atomic steps.
type splitCounter struct {
	n     atomic.Int64
	yield bool
}

func (c *splitCounter) add() {
	v := c.n.Load()
	between(c.yield, v)
	c.n.Store(v + 1)
}

func (c *splitCounter) value() int64 { return c.n.Load() }

// plainCounter is an unprotected variable: a data race by design.
type plainCounter struct {
	n     int64
	yield bool
}

func (c *plainCounter) add() {
	v := c.n
	between(c.yield, v)
	c.n = v + 1
}

// value is read after all writers have been waited for.
func (c *plainCounter) value() int64 { return c.n }

// mutexCounter updates under a lock.
type mutexCounter struct {
	mu sync.Mutex
	n  int64
}

func (c *mutexCounter) add() {
	c.mu.Lock()
	between(false, c.n)
	c.n++
	c.mu.Unlock()
}

func (c *mutexCounter) value() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// atomicCounter updates with one atomic add.
type atomicCounter struct{ n atomic.Int64 }

func (c *atomicCounter) add() {
	between(false, c.n.Load())
	c.n.Add(1)
}
func (c *atomicCounter) value() int64 { return c.n.Load() }

// between is what happens between reading the counter and writing it
// back: with yield, a switch to another goroutine; else a little work on the
// value (about 0.1 µs), as real code computes before it stores. A bare
// read and write are a few instructions apart, so two goroutines on two
// cores overwrite each other's updates only now and then; the work makes
// every run lose some. Every mode does the same work, so their times
// compare.
func between(yield bool, v int64) {
	if yield {
		runtime.Gosched()
		return
	}
	//lint:ignore SA4017 the time mix takes is the point, not its value
	mix(uint64(v))
}

// mix is the work of between: kept out of line so that the compiler
// cannot drop it.
//
//go:noinline
func mix(x uint64) uint64 {
	for range 48 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

// cmpOr is v, or def when v is not positive.
func cmpOr[N ~int | ~int64](v, def N) N {
	if v <= 0 {
		return def
	}
	return v
}

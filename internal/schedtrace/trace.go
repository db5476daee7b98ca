package schedtrace

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/exp/trace"
)

// An Interval is a stretch of time in one state. Times are measured from
// the first event of the trace.
type Interval struct {
	Start, End time.Duration
	State      State
}

// A Slice is a stretch of time a P spent running one goroutine: State is
// Running (the program's code), Syscall (the goroutine is in a system call
// and still holds the P), GC (a GC worker, or a goroutine paying a mark
// assist) or Runtime (another goroutine of the runtime).
type Slice struct {
	Start, End time.Duration
	G          int64
	State      State
}

// A Span is a named stretch of time: a GC mark phase, a stop-the-world pause.
type Span struct {
	Start, End time.Duration
	Name       string
}

// ByTracer reports whether the span is a stop-the-world pause the tracer
// itself caused, to start or stop tracing.
func (s Span) ByTracer() bool { return strings.HasSuffix(s.Name, " trace)") }

// A Goroutine is one of the program's goroutines and what it did while the
// trace ran.
type Goroutine struct {
	ID int64
	// Start is the function the goroutine began in; zero when unknown
	// (a goroutine already running when the trace began).
	Start Frame
	// Creator is the first frame in the program's own code (not the
	// standard library's) of the stack that started the goroutine; zero
	// when it was not created while tracing.
	Creator Frame
	// Created reports whether the goroutine was created while tracing.
	Created bool
	// Parent is the goroutine that created this one, when it was created
	// while tracing by a goroutine; 0 otherwise.
	Parent int64
	// Seq numbers the goroutines in the order the trace first mentions
	// them, from 0: for goroutines created while tracing, the order they
	// were created in.
	Seq int
	// Ended reports whether the goroutine returned while tracing.
	Ended bool
	// Intervals are its states, in order and without gaps, from the first
	// moment the trace knew of it to its end or the end of the trace.
	Intervals []Interval
}

// Main reports whether g is the program's main goroutine.
func (g *Goroutine) Main() bool { return g.ID == 1 }

// Time sums the goroutine's time in each state.
func (g *Goroutine) Time() (by [numStates]time.Duration) {
	for _, iv := range g.Intervals {
		by[iv.State] += iv.End - iv.Start
	}
	return by
}

// A Proc is a P, the scheduler's token for running Go code: what it ran.
type Proc struct {
	ID     int64
	Slices []Slice
}

// Busy is the time the P ran any goroutine.
func (p *Proc) Busy() time.Duration {
	var d time.Duration
	for _, s := range p.Slices {
		d += s.End - s.Start
	}
	return d
}

// Trace is what the scheduler did during a traced run.
type Trace struct {
	// Span is the time from the first event to the last.
	Span time.Duration
	// GOMAXPROCS is the largest value the trace reported.
	GOMAXPROCS int
	// Goroutines are the program's goroutines, by ID: the runtime's own
	// and the hidden ones (Options.Hide) are left out.
	Goroutines []*Goroutine
	// Procs are the Ps that ran anything, by ID.
	Procs []*Proc
	// GCMark are the GC's concurrent mark phases; STW the stop-the-world
	// pauses, named by their reason ("stop-the-world (GC mark termination)").
	GCMark, STW []Span
	// Events is how many events the trace held.
	Events int
	// RuntimeGoroutines counts the runtime's goroutines seen, Hidden the
	// goroutines Options.Hide left out.
	RuntimeGoroutines, Hidden int
	// Logs are the messages logged with runtime/trace.Log under
	// Options.LogCategory, in the order they happened.
	Logs []Log
	// Incomplete, when not empty, says why the trace ends early: the
	// program stopped before it could finish writing it. What came before
	// is all here.
	Incomplete string
	// Limited reports whether Read stopped at Options.MaxEvents: the trace
	// goes on past Span, and what came before is all here.
	Limited bool
}

// A Log is a message a goroutine logged with runtime/trace.Log.
type Log struct {
	At      time.Duration
	G       int64 // the goroutine that logged it; 0 when none
	Message string
}

// Options tune Read.
type Options struct {
	// Hide reports whether to leave out a goroutine that started in
	// function fn, as if it never ran: a tool's own helper goroutines.
	Hide func(fn string) bool
	// LogCategory, when not empty, keeps the runtime/trace.Log messages
	// of that category in Trace.Logs.
	LogCategory string
	// NoStacks skips reading stacks, the costliest part of a large trace:
	// goroutines are then not named (Start and Creator stay zero), and
	// only those created while tracing are told apart from the runtime's
	// (by the function they start in, the one frame read); the others all
	// count as the program's, and Hide is not used. For a reader that
	// knows its goroutines by other means (their parents, its logs).
	NoStacks bool
	// MaxEvents, when positive, is how many events Read takes in: it stops
	// there and sets Trace.Limited. What a Trace holds grows with its
	// events (about 70 bytes each), so this bounds the reader's memory
	// however long the trace is.
	MaxEvents int
}

// ErrEmpty is returned for a trace with no events, such as the file of a
// program that ended before it could write anything.
var ErrEmpty = errors.New("the trace is empty")

// Read parses an execution trace written by runtime/trace. A trace cut off
// part way (a program that crashed or was killed while tracing) is not an
// error as long as some of it could be read: Trace.Incomplete says so. A
// stream that is not a trace, or holds no events, is.
func Read(r io.Reader, opt Options) (t *Trace, err error) {
	b := newBuilder(opt)
	defer func() {
		// x/exp/trace panics on some malformed input; a damaged file
		// must give a message, never take the kernel down.
		if p := recover(); p != nil {
			if b.events == 0 {
				t, err = nil, fmt.Errorf("read trace: the trace parser failed: %v", p)
				return
			}
			t, err = b.finish(fmt.Sprintf("the trace parser failed part way: %v", p)), nil
		}
	}()
	br := bufio.NewReader(r)
	if _, err := br.Peek(1); err == io.EOF {
		return nil, ErrEmpty
	}
	tr, err := trace.NewReader(br)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, ErrEmpty
		}
		return nil, fmt.Errorf("read trace: %w", err)
	}
	incomplete, limited := "", false
	for {
		ev, err := tr.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			incomplete, _, _ = strings.Cut(err.Error(), "\n")
			break
		}
		if opt.MaxEvents > 0 && b.events >= opt.MaxEvents && ev.Kind() != trace.EventSync {
			limited = true // an event past the limit: the trace goes on
			break
		}
		b.event(ev)
	}
	if b.events == 0 {
		if incomplete != "" {
			return nil, fmt.Errorf("read trace: %s", incomplete)
		}
		return nil, ErrEmpty
	}
	t = b.finish(incomplete)
	t.Limited = limited
	return t, nil
}

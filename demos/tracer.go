package demos

import (
	"bytes"
	"context"
	"fmt"
	"runtime/trace"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// How runs learn what the scheduler did: while a run is under way the Go
// runtime's flight recorder keeps an execution trace in memory; at its end
// the run takes a snapshot and reads its own goroutines' states from it.
// The trace is tied to the run by a log message written at the run's start
// on the goroutine that runs it (the anchor), which gives both the clock
// offset and the goroutine whose children are the run's workers.

const (
	// logCategory is the runtime/trace.Log category of demos' messages.
	logCategory = "conclab/demos"
	// traceWindow bounds the trace kept in memory. A run that makes more
	// (about 70 million goroutines' worth) loses its beginning, and says so.
	traceWindow = 128 << 20
	// traceAge keeps every part of the trace younger than this; runs are
	// shorter.
	traceAge = time.Hour
)

// A tracer shares the process's execution tracer among the runs under way:
// the first run to start turns the flight recorder on, the last one to end
// turns it off. It is package state by necessity: the runtime has one
// tracer per process, and runs in different goroutines must share it.
type tracer struct {
	mu    sync.Mutex
	users int
	fr    *trace.FlightRecorder
	runs  atomic.Int64 // numbers the runs' anchors
	snap  sync.Mutex   // snapshots one at a time (FlightRecorder.WriteTo refuses more)
}

var procTracer tracer

// acquire counts a run in, starting the flight recorder if it is the first.
func (tr *tracer) acquire() error {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.users == 0 {
		fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: traceAge, MaxBytes: traceWindow})
		if err := fr.Start(); err != nil {
			return fmt.Errorf("the Go execution tracer's flight recorder is in use by other code in this program (%w)", err)
		}
		tr.fr = fr
	}
	tr.users++
	return nil
}

// snapshot returns the trace recorded so far.
func (tr *tracer) snapshot() ([]byte, error) {
	tr.mu.Lock()
	fr := tr.fr
	tr.mu.Unlock()
	if fr == nil {
		return nil, fmt.Errorf("the flight recorder is off")
	}
	tr.snap.Lock()
	defer tr.snap.Unlock()
	var buf bytes.Buffer
	if _, err := fr.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("snapshot of the execution trace: %w", err)
	}
	return buf.Bytes(), nil
}

// release counts a run out, stopping the flight recorder after the last.
func (tr *tracer) release() {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.users--
	if tr.users == 0 {
		tr.fr.Stop()
		tr.fr = nil
	}
}

// A traceSession is one run's use of the tracer.
type traceSession struct {
	id  string // the anchor message, "run 17"
	err error  // why the run's states are not recorded
	on  bool   // the session holds the tracer
}

// startTracing joins the run to the tracer; the caller must write the
// anchor (anchor) right after stamping the run's start, on the goroutine
// that runs it.
func startTracing() *traceSession {
	s := &traceSession{id: "run " + strconv.FormatInt(procTracer.runs.Add(1), 10)}
	if err := procTracer.acquire(); err != nil {
		s.err = err
		return s
	}
	s.on = true
	return s
}

// anchor writes the run's anchor on the calling goroutine.
func (s *traceSession) anchor() {
	if s.on {
		trace.Log(context.Background(), logCategory, s.id)
	}
}

// logTask ties task id to the calling goroutine, for tasks that start on a
// goroutine the run did not create itself (Recorder).
func (s *traceSession) logTask(id int) {
	if s.on {
		trace.Log(context.Background(), logCategory, s.id+" task "+strconv.Itoa(id))
	}
}

// take returns the trace recorded so far, and with done leaves the
// tracer: the session records nothing after that.
func (s *traceSession) take(done bool) []byte {
	if !s.on {
		return nil
	}
	data, err := procTracer.snapshot()
	if done {
		s.close()
	}
	if err != nil {
		s.err = err
		return nil
	}
	return data
}

// close leaves the tracer, if the session still holds it.
func (s *traceSession) close() {
	if s.on {
		s.on = false
		procTracer.release()
	}
}

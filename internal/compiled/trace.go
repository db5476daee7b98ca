package compiled

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/schedtrace"
	"github.com/conclab/conclab/internal/schedview"
)

// %trace: the program is composed to record an execution trace into a file
// of its run directory (cell.TraceEnv names it); after the run the kernel
// reads the trace and shows the scheduler view under the cell.

const (
	// maxTraceBytes bounds the trace the kernel reads: a longer run makes
	// a trace too large to parse quickly in the kernel's memory.
	maxTraceBytes = 64 << 20
	// maxTraceEvents bounds the events the kernel takes in from a trace:
	// what it keeps and draws grows with them (a 64 MB trace of 11 million
	// events took the kernel to 640 MB), and a quarter million events
	// hold more than a picture can show. The picture of a longer trace
	// ends there (the kernel peaks near 200 MB), and a note says so.
	maxTraceEvents = 250_000
	// traceFlushLimit is how long an interrupt or a timeout waits for the
	// program to finish its trace before stopping it: the program's watcher
	// looks every 25 ms, and a large trace takes a moment to write out.
	traceFlushLimit = 2 * time.Second
)

// A tracing is the kernel's side of one traced run.
type tracing struct {
	path      string
	title     string // the view's; "" for the default
	maxEvents int    // maxTraceEvents; tests take less
}

func newTracing(runDir string) *tracing {
	path := filepath.Join(runDir, "cell.trace")
	if abs, err := filepath.Abs(path); err == nil {
		path = abs // the program may change its directory
	}
	return &tracing{path: path, maxEvents: maxTraceEvents}
}

// env is the program's environment entry that turns tracing on.
func (t *tracing) env() string { return cell.TraceEnv + "=" + t.path }

// finish asks the program to complete its trace before it is stopped, and
// waits until it did, it ended, or traceFlushLimit passed. done is the
// program's exit channel (buffered, one value); a value taken from it is
// put back.
func (t *tracing) finish(done chan error) {
	if t == nil {
		return
	}
	if err := os.WriteFile(t.path+cell.TraceStopSuffix, nil, 0o600); err != nil {
		return
	}
	limit := time.NewTimer(traceFlushLimit)
	defer limit.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			done <- err
			return
		case <-limit.C:
			return
		case <-tick.C:
			if _, err := os.Stat(t.path + cell.TraceDoneSuffix); err == nil {
				return
			}
		}
	}
}

// report reads the trace and shows it under the cell. A trace that cannot
// be read gives a notice on stderr; it never fails the cell.
func (t *tracing) report(out engine.Output, prog *cell.Program) {
	tr, notes, err := t.read()
	if err != nil {
		out.Stream("stderr", "conclab: %trace: "+err.Error()+"\n")
		return
	}
	schedview.Show(out, tr, notes, schedview.Options{Title: t.title, Position: position(prog)})
}

// read parses the trace file and says, in notes, how the trace ended when
// that is worth knowing.
func (t *tracing) read() (*schedtrace.Trace, []string, error) {
	why, doneErr := os.ReadFile(t.path + cell.TraceDoneSuffix)
	f, err := os.Open(t.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, errors.New("the program wrote no trace (it ended before main began?)")
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading the trace: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("reading the trace: %w", err)
	}
	if fi.Size() > maxTraceBytes {
		return nil, nil, fmt.Errorf("the trace is %d MB, more than the %d MB %%trace reads; trace a shorter run",
			fi.Size()>>20, maxTraceBytes>>20)
	}
	r := &countingReader{r: f}
	tr, err := schedtrace.Read(r, schedtrace.Options{MaxEvents: t.maxEvents, Hide: func(fn string) bool {
		return strings.HasPrefix(fn, cell.TraceFuncPrefix) // the trace's own watcher
	}})
	cut := "the program ended before it could finish its trace (os.Exit, log.Fatal, a panic outside main, " +
		"a kill or the memory limit)"
	switch {
	case errors.Is(err, schedtrace.ErrEmpty) && doneErr != nil:
		return nil, nil, errors.New(cut + ", so there is no trace to show")
	case err != nil:
		return nil, nil, err
	}
	var notes []string
	if tr.Limited {
		// The parser reads a generation ahead of the events it gives, so
		// the share of the file read is an upper bound.
		notes = append(notes, fmt.Sprintf("the picture shows the first %s of the run, the first %d events "+
			"(at most %.0f%% of a %d MB trace): %%trace takes in at most %d events to keep the kernel's memory bounded; "+
			"trace a shorter run to see all of it", schedview.Span(tr), tr.Events,
			100*float64(r.n)/float64(max(fi.Size(), 1)), max(fi.Size()>>20, 1), t.maxEvents))
	}
	switch {
	case doneErr != nil:
		notes = append(notes, cut+": the picture ends early")
		tr.Incomplete = "" // said by the note above, in words a reader can act on
	case string(why) == cell.TraceStoppedBlocked:
		notes = append(notes, fmt.Sprintf("tracing stopped at %s, when every goroutine had stayed blocked: "+
			"Go cannot detect a deadlock while a trace runs, so %%trace stops tracing to let it; "+
			"if the program went on, the rest of its run is not in the picture", schedview.Span(tr)))
	case string(why) == cell.TraceStoppedRequested:
		notes = append(notes, "the cell was stopped: the picture ends where it was")
	}
	return tr, notes, nil
}

// position names a source position of the program as the cell's user
// knows it: "line 5", "cell [3] line 4", or "file.go:12" outside cells.
func position(prog *cell.Program) func(file string, line int) string {
	return func(file string, line int) string {
		pos := file + ":" + strconv.Itoa(line)
		if named := prog.Rewrite(pos); named != pos {
			return named
		}
		return filepath.Base(file) + ":" + strconv.Itoa(line)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

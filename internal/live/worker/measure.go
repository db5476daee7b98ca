package worker

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"strconv"
	"syscall"
	"time"

	"github.com/conclab/conclab/internal/live/internal/liveproto"
)

// A measure is the worker's side of %time and %trace for one cell: it
// starts before the cell's first part runs and stops when the last ends,
// so it spans the cell's own run. Goroutines of earlier cells that run
// meanwhile are part of the worker, so they are in both: the trace shows
// them, and their CPU time counts.
type measure struct {
	timed     bool
	start     time.Time
	ru        syscall.Rusage
	rssReset  bool
	traceFile *os.File
	info      *liveproto.TraceInfo
}

// startMeasure starts what req asks for. A trace that cannot start is
// noted in the reply, and the cell runs untraced.
func startMeasure(req *liveproto.Request, gs *goroutines, lines *blockLines) *measure {
	m := &measure{timed: req.Time}
	if req.Trace != "" {
		m.info = &liveproto.TraceInfo{}
		if err := m.startTrace(req.Trace, gs, lines); err != nil {
			m.info.Err = err.Error()
		}
	}
	if m.timed {
		// Writing 5 to clear_refs restarts the peak of resident memory
		// (Linux), so the peak read after is the cell's.
		m.rssReset = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
		m.start = time.Now()
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &m.ru); err != nil {
			m.timed = false
		}
	}
	return m
}

func (m *measure) startTrace(path string, gs *goroutines, lines *blockLines) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create the trace file: %w", err)
	}
	// The goroutines' last marks before the trace: those of earlier
	// cells are known by them.
	m.info.Places, m.info.Goroutines = lines.places(), gs.ids()
	if err := trace.Start(f); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("start tracing: %w", err) // a cell of the session traces already
	}
	m.traceFile = f
	return nil
}

// stop ends the measures and puts them in rep.
func (m *measure) stop(rep *liveproto.Reply) {
	if m.timed {
		wall := time.Since(m.start)
		var ru syscall.Rusage
		if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
			t := &liveproto.Timing{Wall: wall,
				User: time.Duration(ru.Utime.Nano() - m.ru.Utime.Nano()),
				Sys:  time.Duration(ru.Stime.Nano() - m.ru.Stime.Nano())}
			t.MaxRSS, t.RSSSinceStart = peakRSS(ru), !m.rssReset
			rep.Time = t
		}
	}
	if m.traceFile != nil {
		trace.Stop()
		if err := m.traceFile.Close(); err != nil {
			m.info.Err = "write the trace: " + err.Error()
		}
	}
	if m.info != nil {
		rep.Trace = m.info
	}
}

// peakRSS is the worker's peak resident memory in bytes: VmHWM, which
// clear_refs restarts, where there is one; else getrusage's, which counts
// from the start of the process.
func peakRSS(ru syscall.Rusage) int64 {
	if f, err := os.Open("/proc/self/status"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := bytes.CutPrefix(sc.Bytes(), []byte("VmHWM:")); ok {
				kb, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
				if err == nil {
					return kb << 10
				}
			}
		}
	}
	return maxrssBytes(ru)
}

// maxrssBytes is getrusage's peak resident memory in bytes: Linux counts
// it in KiB, macOS in bytes.
func maxrssBytes(ru syscall.Rusage) int64 {
	if runtime.GOOS == "darwin" {
		return int64(ru.Maxrss)
	}
	return int64(ru.Maxrss) << 10
}

//go:build linux

package demos

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// samplingSupported says why threads cannot be sampled here, if they
// cannot: the kernel must keep per-thread scheduler counters.
func samplingSupported() error {
	if _, err := readSchedstat("/proc/self/schedstat", make([]byte, 64)); err != nil {
		return fmt.Errorf("this system has no per-thread scheduler counters (%w)", err)
	}
	return nil
}

// A procWatch reads one process's threads.
type procWatch struct {
	ps      *procSeries
	files   map[int]*os.File // open schedstat files, by tid
	threads map[int]*threadSeries
	reads   int
	buf     []byte
}

func newProcWatch(ps *procSeries) *procWatch {
	return &procWatch{ps: ps, files: map[int]*os.File{}, threads: map[int]*threadSeries{}, buf: make([]byte, 64)}
}

// read takes one reading of every thread at the moment at, looking for new
// threads every relistEvery readings; it reports whether the process is
// still there.
func (w *procWatch) read(at time.Duration) bool {
	if w.reads%relistEvery == 0 && !w.list(at) {
		return false
	}
	w.reads++
	alive := 0
	for tid, f := range w.files {
		c, err := readSchedstatFile(f, w.buf)
		if err != nil { // the thread has exited
			f.Close()
			delete(w.files, tid)
			continue
		}
		th := w.threads[tid]
		th.readings = append(th.readings, reading{at: at, run: c.run, wait: c.wait})
		alive++
	}
	return alive > 0 || w.reads == 1
}

// list opens the counters of threads not seen before. A thread found after
// the first listing was born since the one before: its counters start from
// zero at the previous reading. At the first listing, every thread was born
// since the process was started (born): its counters start from zero then,
// so that what a short program did before the first reading is kept.
func (w *procWatch) list(at time.Duration) bool {
	dir := "/proc/" + strconv.Itoa(w.ps.pid) + "/task"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	first := w.reads == 0
	for _, e := range entries {
		tid, err := strconv.Atoi(e.Name())
		if err != nil || w.threads[tid] != nil {
			continue
		}
		f, err := os.Open(dir + "/" + e.Name() + "/schedstat")
		if err != nil {
			continue
		}
		th := &threadSeries{tid: tid, name: threadName(dir + "/" + e.Name() + "/comm")}
		switch prev := w.lastAt(); {
		case first && w.ps.born < at:
			th.readings = append(th.readings, reading{at: w.ps.born})
		case !first && prev < at:
			th.readings = append(th.readings, reading{at: prev})
		}
		w.files[tid] = f
		w.threads[tid] = th
		w.ps.threads = append(w.ps.threads, th)
	}
	return true
}

// lastAt is the time of the latest reading of any thread.
func (w *procWatch) lastAt() time.Duration {
	var last time.Duration
	for _, th := range w.threads {
		if n := len(th.readings); n > 0 {
			last = max(last, th.readings[n-1].at)
		}
	}
	return last
}

// close closes the counters' files.
func (w *procWatch) close() {
	for tid, f := range w.files {
		f.Close()
		delete(w.files, tid)
	}
}

// threadName is a thread's name from its comm file, or "".
func threadName(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// counters are a thread's scheduler counters.
type counters struct{ run, wait time.Duration }

// readSchedstatFile reads an open schedstat file again from its start: the
// kernel makes its text anew on each read.
func readSchedstatFile(f *os.File, buf []byte) (counters, error) {
	n, err := f.ReadAt(buf, 0)
	if n == 0 && err != nil {
		return counters{}, err
	}
	return parseSchedstat(buf[:n])
}

// readSchedstat reads the schedstat file at path.
func readSchedstat(path string, buf []byte) (counters, error) {
	f, err := os.Open(path)
	if err != nil {
		return counters{}, err
	}
	defer f.Close()
	return readSchedstatFile(f, buf)
}

// parseSchedstat reads "<ns on CPU> <ns waiting> <timeslices>".
func parseSchedstat(b []byte) (counters, error) {
	fields := bytes.Fields(b)
	if len(fields) < 2 {
		return counters{}, errors.New("malformed schedstat")
	}
	run, err1 := strconv.ParseInt(string(fields[0]), 10, 64)
	wait, err2 := strconv.ParseInt(string(fields[1]), 10, 64)
	if err1 != nil || err2 != nil || run < 0 || wait < 0 {
		return counters{}, fmt.Errorf("malformed schedstat %q", b)
	}
	return counters{run: time.Duration(run), wait: time.Duration(wait)}, nil
}

// waitExited blocks until process pid has exited, without waiting for it
// (reaping it), so that its counters can still be read.
func waitExited(pid int) {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			return
		}
	}
}

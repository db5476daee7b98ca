package compiled

import (
	"io"
	"os"
)

// maxResult bounds the text of a shown value; a huge slice is cut, not
// allowed to fill the kernel's memory.
const maxResult = 1 << 20

// resultReader collects what the program writes on its result descriptor:
// the value of the cell's last expression.
type resultReader struct {
	r, w *os.File
	done chan struct{}
	buf  []byte
	cut  bool
	file string // the program writes this file instead (under the debugger)
}

// newResultFile is a resultReader of a file the program writes, read once
// it has ended.
func newResultFile(path string) *resultReader {
	done := make(chan struct{})
	close(done)
	return &resultReader{done: done, file: path}
}

func newResultReader() (*resultReader, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	return &resultReader{r: r, w: w, done: make(chan struct{})}, nil
}

// read starts reading, once the program has started and the kernel's copy
// of the write end is closed.
func (rr *resultReader) read() {
	if rr.file != "" {
		return
	}
	go func() {
		defer close(rr.done)
		b, err := io.ReadAll(io.LimitReader(rr.r, maxResult+1))
		if err == nil && len(b) > maxResult {
			b, rr.cut = b[:maxResult], true
			_, _ = io.Copy(io.Discard, rr.r) // let a writer finish
		}
		rr.buf = b
	}()
}

// value waits for the program's end of the pipe to close and returns what it
// wrote; ok is false when it wrote nothing (it ended before the last line).
func (rr *resultReader) value() (string, bool) {
	if rr == nil {
		return "", false
	}
	<-rr.done
	if rr.file != "" {
		f, err := os.Open(rr.file)
		if err != nil {
			return "", false
		}
		b, _ := io.ReadAll(io.LimitReader(f, maxResult+1))
		f.Close()
		if len(b) > maxResult {
			b, rr.cut = b[:maxResult], true
		}
		rr.buf = b
	}
	if len(rr.buf) == 0 {
		return "", false
	}
	s := string(rr.buf)
	if rr.cut {
		s += " … (cut at 1 MiB)"
	}
	return s, true
}

func (rr *resultReader) close() {
	if rr.file != "" {
		return
	}
	rr.w.Close()
	rr.r.Close()
}

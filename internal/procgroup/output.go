package procgroup

import (
	"io"
	"os"
	"sync"
	"time"
)

// Output makes a command's stdout and stderr real pipes that the kernel copies
// from, instead of letting os/exec copy them. os/exec's Wait waits until
// every process holding the pipes has closed them, so a background process
// the program left behind would hold the cell open; with Output, Wait
// returns when the leader exits, the group can be killed, and then drain
// waits for the copies to finish.
//
// Call Pipes before cmd.Start and Started after it; Drain waits at most a
// timeout for the copies (a process that left the group may keep a pipe
// open) and then closes the pipes.
type Output struct {
	readers []*os.File
	writers []*os.File
	wg      sync.WaitGroup
}

// Pipes replaces *stdout and *stderr (if they are non-nil writers that are
// not files) by the write ends of pipes copied to the original writers.
func Pipes(stdout, stderr *io.Writer) (*Output, error) {
	o := &Output{}
	same := *stdout == *stderr
	for i, w := range []*io.Writer{stdout, stderr} {
		if *w == nil {
			continue
		}
		if _, isFile := (*w).(*os.File); isFile {
			continue
		}
		if i == 1 && same {
			*stderr = *stdout
			continue
		}
		r, pw, err := os.Pipe()
		if err != nil {
			o.Close()
			return nil, err
		}
		dst := *w
		o.readers = append(o.readers, r)
		o.writers = append(o.writers, pw)
		o.wg.Add(1)
		go func() {
			defer o.wg.Done()
			_, _ = io.Copy(dst, r)
		}()
		*w = pw
	}
	return o, nil
}

// Started closes the parent's copies of the write ends, so that the copies
// end when the child's do.
func (o *Output) Started() {
	for _, w := range o.writers {
		w.Close()
	}
	o.writers = nil
}

// Drain waits for the copies to reach end of file, at most timeout, then
// closes the read ends.
func (o *Output) Drain(timeout time.Duration) {
	done := make(chan struct{})
	go func() { o.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(timeout):
	}
	o.Close()
	<-done
}

// Close closes every pipe end still open.
func (o *Output) Close() {
	for _, f := range append(o.readers, o.writers...) {
		f.Close()
	}
}

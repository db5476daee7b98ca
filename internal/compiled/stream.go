package compiled

import (
	"bytes"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/memlimit"
)

// streamWriter forwards a program's stdout or stderr to the frontend. With a
// rewrite function it works line by line, so that file positions in panics
// and race reports become cell lines; it keeps the last keepTail bytes for
// the error summary.
type streamWriter struct {
	name     string
	out      engine.Output
	rewrite  func(string) string
	keepTail int
	budget   *outputBudget // shared by stdout and stderr of one run

	mu      sync.Mutex
	pending []byte // an incomplete line (rewrite) or incomplete UTF-8 sequence
	last    []byte
}

func (s *streamWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remember(p)
	buf := append(s.pending, p...)
	var cut int
	if s.rewrite != nil {
		cut = bytes.LastIndexByte(buf, '\n') + 1
	} else {
		cut = validPrefix(buf)
	}
	if cut > 0 {
		s.send(buf[:cut])
	}
	s.pending = append([]byte(nil), buf[cut:]...)
	return len(p), nil
}

// flush sends whatever is pending, at the end of the run.
func (s *streamWriter) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) > 0 {
		s.send(s.pending)
		s.pending = nil
	}
}

func (s *streamWriter) send(b []byte) {
	if s.budget != nil {
		var notice string
		b, notice = s.budget.take(b)
		if notice != "" {
			defer s.out.Stream("stderr", notice)
		}
		if len(b) == 0 {
			return
		}
	}
	text := string(b)
	if s.rewrite != nil {
		text = s.rewrite(text)
	}
	s.out.Stream(s.name, text)
}

func (s *streamWriter) remember(p []byte) {
	if s.keepTail <= 0 {
		return
	}
	s.last = append(s.last, p...)
	if over := len(s.last) - s.keepTail; over > 0 {
		s.last = append(s.last[:0], s.last[over:]...)
	}
}

// tail is the end of what the program wrote, rewritten to cell terms.
func (s *streamWriter) tail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := string(s.last)
	if s.rewrite != nil {
		t = s.rewrite(t)
	}
	return t
}

// validPrefix is the length of b without a trailing incomplete UTF-8
// sequence, so a multi-byte character is never split across messages.
func validPrefix(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}

// outputBudget caps what one run may send to the frontend. A cell printing
// in a tight loop would otherwise flood the notebook and the kernel's send
// queue; past the cap the rest is read and dropped, and the user is told once.
type outputBudget struct {
	mu    sync.Mutex
	left  int
	limit int
	told  bool
}

func newOutputBudget(limit int) *outputBudget { return &outputBudget{left: limit, limit: limit} }

// take returns the part of b that fits and, the first time output is
// dropped, the notice to show.
func (o *outputBudget) take(b []byte) ([]byte, string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(b) <= o.left {
		o.left -= len(b)
		return b, ""
	}
	keep := validPrefix(b[:o.left])
	o.left = 0
	if o.told {
		return b[:keep], ""
	}
	o.told = true
	return b[:keep], fmt.Sprintf("\nconclab: output cut at %s; the program goes on, its further output is dropped (CONCLAB_MAX_OUTPUT sets the limit)\n", memlimit.Size(int64(o.limit)))
}

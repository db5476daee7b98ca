package compiled

import (
	"bytes"
	"sync"
	"unicode/utf8"
)

// streamWriter forwards a program's stdout or stderr to the frontend. With a
// rewrite function it works line by line, so that file positions in panics
// and race reports become cell lines; it keeps the last keepTail bytes for
// the error summary.
type streamWriter struct {
	name     string
	out      Output
	rewrite  func(string) string
	keepTail int

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

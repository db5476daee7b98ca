package live

import (
	"bytes"
	"unicode/utf8"
)

// markSplitter finds the worker's end-of-cell markers in one of its output
// streams and passes the text around them on. A marker may arrive split
// across reads, so a tail that could begin one is held back, as is the
// incomplete last character of a read.
type markSplitter struct {
	mark    []byte
	pending []byte
}

// feed takes the next bytes of the stream. text receives output in order
// (never empty); marked is called once per marker, after the text before it.
func (s *markSplitter) feed(data []byte, text func([]byte), marked func()) {
	buf := append(s.pending, data...)
	s.pending = nil
	for {
		i := bytes.Index(buf, s.mark)
		if i < 0 {
			break
		}
		if i > 0 {
			text(buf[:i])
		}
		marked()
		buf = buf[i+len(s.mark):]
	}
	keep := max(partialPrefix(buf, s.mark), incompleteRune(buf))
	if n := len(buf) - keep; n > 0 {
		text(buf[:n])
	}
	if keep > 0 {
		s.pending = append([]byte(nil), buf[len(buf)-keep:]...)
	}
}

// flush passes on what is held back, at the end of the stream.
func (s *markSplitter) flush(text func([]byte)) {
	if len(s.pending) > 0 {
		text(s.pending)
		s.pending = nil
	}
}

// partialPrefix returns the length of the longest end of b that is a proper
// prefix of mark.
func partialPrefix(b, mark []byte) int {
	for n := min(len(b), len(mark)-1); n > 0; n-- {
		if bytes.Equal(b[len(b)-n:], mark[:n]) {
			return n
		}
	}
	return 0
}

// incompleteRune returns how many bytes at the end of b start a UTF-8
// sequence that is not complete yet.
func incompleteRune(b []byte) int {
	for n := 1; n <= utf8.UTFMax-1 && n <= len(b); n++ {
		c := b[len(b)-n]
		if utf8.RuneStart(c) {
			if c >= utf8.RuneSelf && !utf8.FullRune(b[len(b)-n:]) {
				return n
			}
			return 0
		}
	}
	return 0
}

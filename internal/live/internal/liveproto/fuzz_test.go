package liveproto

import (
	"bufio"
	"bytes"
	"testing"
)

// FuzzDecodeReply: bytes on the reply pipe come from a process that runs user
// code; decoding never panics and accepts only well-formed replies.
func FuzzDecodeReply(f *testing.F) {
	for _, s := range []string{
		`{"id":0,"goroutines":0}`,
		`{"id":3,"error":{"name":"panic","value":"boom","traceback":["panic: boom"]},"goroutines":2}`,
		`{"id":4,"result":"42","has_result":true,"live":{"x":"int"},"imported":{"fmt":"fmt"}}`,
		`{"id":-1}`,
		`{"id":1,"error":{}}`,
		`not json`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := DecodeReply(line)
		if err != nil {
			return
		}
		if r.ID < 0 || (r.Error != nil && r.Error.Name == "") {
			t.Fatalf("decodeReply(%q) accepted %+v", line, r)
		}
		// A frame reader hands the same line back.
		var buf bytes.Buffer
		buf.Write(line)
		buf.WriteByte('\n')
		if bytes.IndexByte(line, '\n') < 0 {
			got, err := ReadFrame(bufio.NewReaderSize(&buf, 16), MaxFrame)
			if err != nil || !bytes.Equal(got, line) {
				t.Fatalf("readFrame = %q, %v; want %q", got, err, line)
			}
		}
	})
}

package display

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"testing"
)

// FuzzDecode feeds arbitrary bytes, as a hostile or broken program could
// write them, through the decoder and the message parser: they must never
// panic, must stop, and everything they hand on must encode to JSON.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		dec := newDecoder(bytes.NewReader(b), 1<<20)
		ids := new(DisplayIDs)
		for range len(b) + 1 { // each message takes at least one byte
			msg, err := dec.decode()
			if err != nil {
				return
			}
			req := parseMessage(&msg, ids)
			if req.display != nil {
				if _, err := json.Marshal(req.display.Data); err != nil {
					t.Fatalf("display data does not encode to JSON: %v", err)
				}
				if _, err := json.Marshal(req.display.Metadata); err != nil {
					t.Fatalf("metadata does not encode to JSON: %v", err)
				}
			}
		}
		t.Fatalf("decoder produced more messages than the %d input bytes allow", len(b))
	})
}

// FuzzFrameReader checks that the framing guard never alters the stream: what
// it lets through is always a prefix of its input, and all of it unless it
// reports a framing error.
func FuzzFrameReader(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte, limit uint16) {
		fr := &frameReader{r: bytes.NewReader(b), limit: uint64(limit)}
		got, err := io.ReadAll(fr)
		if !bytes.HasPrefix(b, got) {
			t.Fatalf("output %q is not a prefix of input %q", got, b)
		}
		if err == nil && len(got) != len(b) {
			t.Fatalf("read %d of %d bytes without an error", len(got), len(b))
		}
		if err != nil && errors.Is(err, io.EOF) {
			t.Fatalf("ReadAll returned EOF as an error: %v", err)
		}
	})
}

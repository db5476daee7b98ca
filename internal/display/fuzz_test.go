package display

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"io"
	"testing"

	"github.com/janpfeifer/gonb/gonbui/protocol"
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

// FuzzGobGuard: whatever a program writes, the guard hands gob a prefix of
// it made of whole checked values, all of it unless it reports an error.
func FuzzGobGuard(f *testing.F) {
	for _, stream := range legitStreams(f) {
		f.Add(stream, uint16(len(stream)))
	}
	f.Fuzz(func(t *testing.T, b []byte, limit uint16) {
		got, err := io.ReadAll(newGobGuard(bytes.NewReader(b), uint64(limit)))
		if !bytes.HasPrefix(b, got) {
			t.Fatalf("output %q is not a prefix of input %q", got, b)
		}
		if err == nil && len(got) != len(b) {
			t.Fatalf("read %d of %d bytes without an error", len(got), len(b))
		}
		// What passed decodes as gob decodes it: no value is cut.
		dec := gob.NewDecoder(bytes.NewReader(got))
		for {
			var v protocol.DisplayData
			if derr := dec.Decode(&v); derr != nil {
				if errors.Is(derr, io.ErrUnexpectedEOF) {
					t.Fatalf("the guard passed a cut value: %v", derr)
				}
				break
			}
		}
	})
}

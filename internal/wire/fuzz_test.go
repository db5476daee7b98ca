package wire

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/go-zeromq/zmq4"
)

// fuzzKey is the key of the keyed fuzz modes.
const fuzzKey = "fuzz-key"

// Fuzz modes: how FuzzDecode treats the signature.
const (
	fuzzUnsigned = iota // no key: the signature frame is ignored
	fuzzResign          // keyed, and the harness signs the frames, to reach the parser
	fuzzRaw             // keyed, frames as given: fuzzes verification itself
)

// fuzzFrames splits fuzz input into frames at 0x1E (ASCII record separator).
func fuzzFrames(data []byte) [][]byte {
	if len(data) == 0 {
		return nil
	}
	return bytes.Split(data, []byte{0x1e})
}

// FuzzDecode feeds arbitrary frames to Decode. Decode must not panic; what
// it accepts must encode, and decode again to the same message.
func FuzzDecode(f *testing.F) {
	keyed, err := NewSigner("hmac-sha256", fuzzKey)
	if err != nil {
		f.Fatal(err)
	}
	open, err := NewSigner("hmac-sha256", "")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, mode byte) {
		frames := fuzzFrames(data)
		s := keyed
		switch mode % 3 {
		case fuzzUnsigned:
			s = open
		case fuzzResign:
			for i, fr := range frames {
				if string(fr) == Delimiter && len(frames) >= i+6 {
					frames[i+1] = keyed.Sign(frames[i+2 : i+6]...)
					break
				}
			}
		}
		m, err := Decode(frames, s)
		if err != nil {
			if m != nil {
				t.Fatal("Decode returned a message and an error")
			}
			return
		}
		again, err := Encode(m, s)
		if err != nil {
			t.Fatalf("Encode of a decoded message: %v", err)
		}
		m2, err := Decode(again, s)
		if err != nil {
			t.Fatalf("Decode of a re-encoded message: %v", err)
		}
		if m2.Header != m.Header || m2.ParentHeader != m.ParentHeader {
			t.Fatalf("headers changed: %+v %+v -> %+v %+v", m.Header, m.ParentHeader, m2.Header, m2.ParentHeader)
		}
		if !bytes.Equal(m2.Content, m.Content) || !reflect.DeepEqual(m2.Metadata, m.Metadata) {
			t.Fatal("content or metadata changed")
		}
		if !reflect.DeepEqual(m2.Identities, m.Identities) || len(m2.Buffers) != len(m.Buffers) {
			t.Fatal("identities or buffers changed")
		}
		for i := range m.Buffers {
			if !bytes.Equal(m.Buffers[i], m2.Buffers[i]) {
				t.Fatalf("buffer %d changed", i)
			}
		}
		var content map[string]any
		if err := m.DecodeContent(&content); err != nil {
			t.Fatalf("DecodeContent of accepted content: %v", err)
		}
	})
}

// FuzzZMTP feeds arbitrary bytes to the guard's ZMTP parser, whole and in
// chunks, and checks READY bodies. The parser must not panic and must not
// depend on how the stream is split; a READY body checkCommand accepts must
// not panic zmq4's metadata parser, which is what the check is for.
func FuzzZMTP(f *testing.F) {
	f.Fuzz(func(t *testing.T, stream []byte, chunk uint8) {
		whole := newZMTPParser(testFrameLimits)
		errWhole := whole.feed(stream)
		split := newZMTPParser(testFrameLimits)
		var errSplit error
		step := int(chunk%16) + 1
		for b := stream; len(b) > 0 && errSplit == nil; {
			n := min(step, len(b))
			errSplit = split.feed(b[:n])
			b = b[n:]
		}
		if (errWhole == nil) != (errSplit == nil) || whole.handshook != split.handshook {
			t.Fatalf("whole: %v, handshook %v; in chunks of %d: %v, handshook %v",
				errWhole, whole.handshook, step, errSplit, split.handshook)
		}
		if checkCommand(stream) == nil && len(stream) > 0 {
			n := int(stream[0])
			if string(stream[1:1+n]) == readyCommand {
				md := make(zmq4.Metadata)
				_ = md.UnmarshalZMTP(stream[1+n:])
			}
		}
	})
}

package display

import (
	"bytes"
	"encoding/gob"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// gobStream encodes msgs the way gonbui does: one encoder, one stream.
func gobStream(t testing.TB, msgs ...*protocol.DisplayData) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	for _, m := range msgs {
		if err := enc.Encode(m); err != nil {
			t.Fatalf("encode: %v", err)
		}
	}
	return buf.Bytes()
}

func TestFrameReaderPassesValidStreams(t *testing.T) {
	big := strings.Repeat("x", 70000) // needs a multi-byte count
	stream := gobStream(t,
		&protocol.DisplayData{Data: map[protocol.MIMEType]any{protocol.MIMETextHTML: "<b>a</b>"}},
		&protocol.DisplayData{Data: map[protocol.MIMEType]any{protocol.MIMETextPlain: big}},
		&protocol.DisplayData{Data: map[protocol.MIMEType]any{protocol.MIMEImagePNG: []byte{1, 2, 3}}, DisplayID: "id"},
	)
	readers := []struct {
		name string
		r    func([]byte) io.Reader
	}{
		{"whole", func(b []byte) io.Reader { return bytes.NewReader(b) }},
		{"one byte at a time", func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) }},
		{"half reads", func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) }},
	}
	for _, rd := range readers {
		t.Run(rd.name, func(t *testing.T) {
			got, err := io.ReadAll(&frameReader{r: rd.r(stream), limit: maxMessage})
			if err != nil {
				t.Fatalf("ReadAll: %v", err)
			}
			if !bytes.Equal(got, stream) {
				t.Fatalf("frameReader changed the stream: got %d bytes, want %d", len(got), len(stream))
			}
		})
	}
}

func TestFrameReaderRejects(t *testing.T) {
	tests := []struct {
		name  string
		in    []byte
		limit uint64
		want  string
	}{
		{"one-byte count over limit", []byte{100}, 99, "exceeds"},
		{"multi-byte count over limit", []byte{0xfc, 0x10, 0x00, 0x00, 0x00}, 1 << 20, "exceeds"},
		{"count wider than 8 bytes", []byte{0xf7}, maxMessage, "malformed gob message count"},
		{"count byte 0x80", []byte{0x80}, maxMessage, "malformed gob message count"},
		{"second message over limit", []byte{2, 'a', 'b', 5}, 4, "exceeds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := io.ReadAll(&frameReader{r: bytes.NewReader(tt.in), limit: tt.limit})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ReadAll error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestFrameReaderAtLimit(t *testing.T) {
	in := []byte{4, 'a', 'b', 'c', 'd', 0}
	got, err := io.ReadAll(&frameReader{r: bytes.NewReader(in), limit: 4})
	if err != nil || !bytes.Equal(got, in) {
		t.Fatalf("ReadAll = %q, %v; want %q, nil", got, err, in)
	}
}

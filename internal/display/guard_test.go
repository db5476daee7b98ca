package display

import (
	"bytes"
	"encoding/gob"
	"errors"
	"io"
	"os"
	"reflect"
	"strconv"
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

func TestGobGuardPassesValidStreams(t *testing.T) {
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
			got, err := io.ReadAll(newGobGuard(rd.r(stream), maxMessage))
			if err != nil {
				t.Fatalf("ReadAll: %v", err)
			}
			if !bytes.Equal(got, stream) {
				t.Fatalf("the guard changed the stream: got %d bytes, want %d", len(got), len(stream))
			}
		})
	}
}

func TestGobGuardRejectsFraming(t *testing.T) {
	tests := []struct {
		name  string
		in    []byte
		limit uint64
		want  string
	}{
		{"one-byte count over limit", []byte{100}, 99, "exceeds"},
		{"multi-byte count over limit", []byte{0xfc, 0x10, 0x00, 0x00, 0x00}, 1 << 20, "exceeds"},
		{"count wider than 8 bytes", []byte{0xf7}, maxMessage, "message count introduced by byte 0xf7"},
		{"count byte 0x80", []byte{0x80}, maxMessage, "message count introduced by byte 0x80"},
		{"value over limit across messages", append(typeMessage(), 5), uint64(len(typeMessage())), "exceeds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := io.ReadAll(newGobGuard(bytes.NewReader(tt.in), tt.limit))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ReadAll error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// typeMessage is a message defining type 65 as map[string]int, as gob
// sends it before a value of that type.
func typeMessage() []byte {
	var buf bytes.Buffer
	gob.NewEncoder(&buf).Encode(map[string]int{"a": 1})
	b := buf.Bytes()
	return b[:int(b[0])+1]
}

func TestGobGuardAtLimit(t *testing.T) {
	stream := gobStream(t, &protocol.DisplayData{DisplayID: "x"})
	got, err := io.ReadAll(newGobGuard(bytes.NewReader(stream), uint64(len(stream))))
	if err != nil || !bytes.Equal(got, stream) {
		t.Fatalf("ReadAll = %d bytes, %v; want %d, nil", len(got), err, len(stream))
	}
	if _, err := io.ReadAll(newGobGuard(bytes.NewReader(stream), uint64(len(stream)-1))); err == nil ||
		!strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("one byte under the size: %v, want an error", err)
	}
}

// legitStreams are display streams as gonbui writes them: every message
// type and every value type it registers, nested as comms nest them.
func legitStreams(t testing.TB) map[string][]byte {
	png := bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 5000)
	return map[string][]byte{
		"text and html": gobStream(t,
			&protocol.DisplayData{Data: map[protocol.MIMEType]any{protocol.MIMETextPlain: "hi", protocol.MIMETextHTML: "<b>hi</b>"}}),
		"png with size metadata": gobStream(t, &protocol.DisplayData{
			Data:     map[protocol.MIMEType]any{protocol.MIMEImagePNG: png},
			Metadata: map[string]any{"width": 640, "height": 480, "size": map[string]int{"w": 640, "h": 480}}}),
		"update with id, twice": gobStream(t,
			&protocol.DisplayData{Data: map[protocol.MIMEType]any{protocol.MIMETextHTML: "1"}, DisplayID: "bar"},
			&protocol.DisplayData{Data: map[protocol.MIMEType]any{protocol.MIMETextHTML: "2"}, DisplayID: "bar"}),
		"comm values of every kind": gobStream(t,
			comm(1), comm(2.5), comm("s"), comm([]int{1, 2}), comm([]float64{0.5}), comm([]string{"a", "b"}),
			comm(map[string]int{"a": 1}), comm(map[string]float64{"x": 1.5}), comm(map[string]string{"k": "v"}), comm(nil)),
		"subscription and input": gobStream(t,
			&protocol.DisplayData{Data: map[protocol.MIMEType]any{
				protocol.MIMECommSubscribe: &protocol.CommSubscription{Address: "/x"}}},
			&protocol.DisplayData{Data: map[protocol.MIMEType]any{
				protocol.MIMEJupyterInput: &protocol.InputRequest{Prompt: "name?", Password: true}}}),
		"interfaces nested four deep": gobStream(t, &protocol.DisplayData{Data: map[protocol.MIMEType]any{
			protocol.MIMECommValue: &protocol.CommValue{Address: "/a", Value: protocol.CommValue{
				Value: protocol.DisplayData{Metadata: map[string]any{"m": map[string]float64{"pi": 3.14}}}}}}}),
		"empty": gobStream(t, &protocol.DisplayData{}),
	}
}

func comm(v any) *protocol.DisplayData {
	return &protocol.DisplayData{Data: map[protocol.MIMEType]any{
		protocol.MIMECommValue: &protocol.CommValue{Address: "/w", Value: v}}}
}

// The guard lets every value gonbui writes through unchanged, and gob then
// decodes the same values as without it.
func TestGobGuardKeepsWhatGonbuiWrites(t *testing.T) {
	for name, stream := range legitStreams(t) {
		t.Run(name, func(t *testing.T) {
			for _, rd := range []io.Reader{bytes.NewReader(stream), iotest.OneByteReader(bytes.NewReader(stream))} {
				got, err := io.ReadAll(newGobGuard(rd, maxMessage))
				if err != nil || !bytes.Equal(got, stream) {
					t.Fatalf("guard: %d of %d bytes, %v", len(got), len(stream), err)
				}
			}
			plain := gob.NewDecoder(bytes.NewReader(stream))
			guarded := newDecoder(bytes.NewReader(stream), maxMessage)
			for i := 0; ; i++ {
				want := protocol.DisplayData{Data: map[protocol.MIMEType]any{}, Metadata: map[string]any{}}
				werr := plain.Decode(&want)
				got, gerr := guarded.decode()
				if werr != nil || gerr != nil {
					if !errors.Is(werr, io.EOF) || !errors.Is(gerr, io.EOF) {
						t.Fatalf("message %d: gob: %v, guarded: %v", i, werr, gerr)
					}
					break
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("message %d: guarded %+v, gob %+v", i, got, want)
				}
			}
		})
	}
}

// hostile turns gonbui's stream for msg into one whose first map named
// after key announces count entries (gob writes a map's count just before
// its first key: the key's length, then the key).
func hostile(t *testing.T, msg *protocol.DisplayData, key string, count []byte) []byte {
	t.Helper()
	stream := gobStream(t, msg)
	at := bytes.Index(stream, append([]byte{byte(len(key))}, key...))
	if at < 1 || stream[at-1] != 1 {
		t.Fatalf("no one-entry map before %q", key)
	}
	// Find the message holding it and rewrite the message's count.
	start := 0
	for start < len(stream) && start+1+int(stream[start]) <= at {
		start += 1 + int(stream[start])
	}
	body := append(append(append([]byte{}, stream[start+1:at-1]...), count...), stream[at:start+1+int(stream[start])]...)
	if len(body) > 0x7f {
		t.Fatal("test message too long for a one-byte count")
	}
	out := append(append([]byte{}, stream[:start]...), byte(len(body)))
	return append(append(out, body...), stream[start+1+int(stream[start]):]...)
}

func TestGobGuardRejectsHostileValues(t *testing.T) {
	nested := &protocol.DisplayData{Metadata: map[string]any{"m": map[string]int{"abcdefgh": 1}}}
	deep := any("leaf")
	for range maxNesting {
		deep = protocol.CommValue{Value: deep}
	}
	var many bytes.Buffer
	enc := gob.NewEncoder(&many)
	for range 2 {
		// 600k entries in each of two maps: each value is under the limit,
		// but a value holding both is not.
		m := make(map[string]int, 600_000)
		for i := range 600_000 {
			m[strconv.Itoa(i)] = i
		}
		if err := enc.Encode(&protocol.DisplayData{Metadata: map[string]any{"a": m}}); err != nil {
			t.Fatal(err)
		}
	}
	var both bytes.Buffer
	m1 := map[string]int{}
	m2 := map[string]float64{}
	for i := range 600_000 {
		m1[strconv.Itoa(i)] = i
		m2[strconv.Itoa(i)] = float64(i)
	}
	if err := gob.NewEncoder(&both).Encode(&protocol.DisplayData{Metadata: map[string]any{"a": m1, "b": m2}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		stream []byte
		want   string
	}{
		{"nested map announcing 2^19 entries", hostile(t, nested, "abcdefgh", []byte{0xfd, 0x08, 0, 0}), "malformed display message"},
		{"nested map announcing 2^60 entries", hostile(t, nested, "abcdefgh", []byte{0xf8, 0x10, 0, 0, 0, 0, 0, 0, 0}), "maps of more than"},
		{"top map announcing 2^40 entries", hostile(t, &protocol.DisplayData{Metadata: map[string]any{"abcdefgh": 1}},
			"abcdefgh", []byte{0xfb, 1, 0, 0, 0, 0}), "maps of more than"},
		{"interfaces nested too deep", gobStream(t, &protocol.DisplayData{Data: map[protocol.MIMEType]any{"x": deep}}), "nested more than"},
		{"too many map entries in one value", both.Bytes(), "maps of more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := io.ReadAll(newGobGuard(bytes.NewReader(tt.stream), maxMessage))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("guard error = %v, want one containing %q", err, tt.want)
			}
			if len(got) > 0 {
				t.Fatalf("the guard passed %d bytes of the bad value to gob", len(got))
			}
			if _, err := newDecoder(bytes.NewReader(tt.stream), maxMessage).decode(); err == nil {
				t.Fatal("the decoder accepted it")
			}
		})
	}
	// Many entries over several values are fine.
	dec := newDecoder(bytes.NewReader(many.Bytes()), maxMessage)
	for i := range 2 {
		if _, err := dec.decode(); err != nil {
			t.Fatalf("value %d of 600k entries: %v", i, err)
		}
	}
}

// A read error inside a message is passed on as it is (the channel closed,
// a deadline); only the stream's end there is a cut message.
func TestGobGuardPassesReadErrors(t *testing.T) {
	stream := gobStream(t, &protocol.DisplayData{DisplayID: "x"})
	for _, tt := range []struct {
		name string
		r    io.Reader
		want error
	}{
		{"closed mid-message", io.MultiReader(bytes.NewReader(stream[:5]), iotest.ErrReader(os.ErrClosed)), os.ErrClosed},
		{"deadline mid-count", io.MultiReader(bytes.NewReader([]byte{0xfe, 1}), iotest.ErrReader(os.ErrDeadlineExceeded)), os.ErrDeadlineExceeded},
		{"end mid-message", bytes.NewReader(stream[:5]), io.ErrUnexpectedEOF},
		{"end between values", bytes.NewReader(nil), io.EOF},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := io.ReadAll(newGobGuard(tt.r, maxMessage))
			if tt.want == io.EOF {
				if err != nil || len(got) != 0 {
					t.Fatalf("ReadAll = %d bytes, %v; want nothing, nil", len(got), err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("ReadAll error = %v, want %v", err, tt.want)
			}
		})
	}
}

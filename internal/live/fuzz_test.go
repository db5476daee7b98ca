package live

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/live/internal/liveproto"
)

// FuzzPrepare: whatever a cell holds, prepare returns a plan or a
// *engine.Error, never panics, and a plan keeps the cell's lines (plus the
// closing line of a block).
func FuzzPrepare(f *testing.F) {
	for _, s := range []string{
		"x := 1\nx",
		"for i := range 10 {}",
		"func f() {}\nf()\ntype T int",
		"for _, v := range xs { go func() { println(v) }() }",
		"import \"fmt\"\nfmt.Println(min(1, 2))",
		"%time\n!ls",
		"x := `raw\nstring`",
		"}{",
	} {
		f.Add(s)
	}
	k := testKnowledge(map[string]string{"xs": "slice"})
	f.Fuzz(func(t *testing.T, code string) {
		p, err := prepare(code, 1, k)
		if err != nil {
			var ce *engine.Error
			if !errors.As(err, &ce) || ce.Name == "" || len(ce.Traceback) == 0 {
				t.Fatalf("prepare(%q): error %v is not a user-facing *engine.Error", code, err)
			}
			return
		}
		// Parse reads CRLF and a lone CR as line ends.
		lines := strings.Count(strings.ReplaceAll(code, "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(code, "\r\n", ""), "\r") + 1
		for _, s := range p.Segments {
			// A block of statements ends with a line of its own.
			if n := strings.Count(s.Src, "\n") + 1; n > lines+1 {
				t.Fatalf("prepare(%q): segment %q has %d lines, the cell %d", code, s.Src, n, lines)
			}
		}
	})
}

// FuzzMarkSplitter: however the stream is cut into reads, the text that comes
// out is the stream without its markers, and every marker is seen.
func FuzzMarkSplitter(f *testing.F) {
	mark := liveproto.MarkBytes("0123abcd")
	f.Add([]byte("hello\n"), uint8(3))
	f.Add(append(append([]byte("before"), mark...), "after"...), uint8(1))
	f.Add(append(append([]byte("é"), mark[:4]...), "\x00"...), uint8(2))
	f.Add(append(append([]byte{}, mark...), mark...), uint8(5))
	f.Fuzz(func(t *testing.T, stream []byte, cut uint8) {
		step := int(cut%32) + 1
		sp := &markSplitter{mark: mark}
		var got []byte
		marks := 0
		text := func(b []byte) {
			if len(b) == 0 {
				t.Fatal("empty text")
			}
			got = append(got, b...)
		}
		for i := 0; i < len(stream); i += step {
			sp.feed(stream[i:min(i+step, len(stream))], text, func() { marks++ })
		}
		sp.flush(text)
		want := bytes.ReplaceAll(stream, mark, nil)
		if n := bytes.Count(stream, mark); marks != n || !bytes.Equal(got, want) {
			t.Fatalf("stream %q in steps of %d: text %q with %d marks, want %q with %d", stream, step, got, marks, want, n)
		}
	})
}

package schedtrace

import (
	"bytes"
	"testing"

	"github.com/conclab/conclab/internal/schedtrace/schedtracetest"
)

// FuzzRead feeds damaged traces to Read: a trace file is written by a
// program that may die at any moment, so Read must never panic, and what it
// returns must keep the Trace's invariants and summarize.
func FuzzRead(f *testing.F) {
	full := schedtracetest.Trace(f)
	f.Add(full)
	f.Add(full[:len(full)/3])
	f.Add(full[:64])
	damaged := bytes.Clone(full)
	for i := 40; i < len(damaged); i += 97 {
		damaged[i] ^= 0x5a
	}
	f.Add(damaged)
	f.Add([]byte("go 1.26 trace\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		tr, err := Read(bytes.NewReader(data), Options{})
		if err != nil {
			if tr != nil {
				t.Fatalf("a trace and an error %v", err)
			}
			return
		}
		checkWellFormed(t, tr)
		s := tr.Summary()
		_, _ = s.Lines(), s.HTML()
	})
}

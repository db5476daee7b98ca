package schedtrace

import (
	"bytes"
	"strings"
	"testing"

	"github.com/conclab/conclab/internal/schedtrace/schedtracetest"
)

// readKnown parses the known trace.
func readKnown(t *testing.T, opt Options) *Trace {
	t.Helper()
	tr, err := Read(bytes.NewReader(schedtracetest.Trace(t)), opt)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return tr
}

// byStart returns the goroutines that started in a function ending in suffix.
func byStart(tr *Trace, suffix string) []*Goroutine {
	var out []*Goroutine
	for _, g := range tr.Goroutines {
		if strings.HasSuffix(g.Start.Func, suffix) {
			out = append(out, g)
		}
	}
	return out
}

// checkWellFormed checks the invariants every Trace keeps: intervals in
// order without gaps or overlaps, slices of a P in order, and no goroutine
// on two Ps at once.
func checkWellFormed(t *testing.T, tr *Trace) {
	t.Helper()
	for _, g := range tr.Goroutines {
		for i, iv := range g.Intervals {
			if iv.End <= iv.Start || iv.Start < 0 || iv.End > tr.Span {
				t.Fatalf("g%d interval %d: %+v outside (0, %v]", g.ID, i, iv, tr.Span)
			}
			if i > 0 && g.Intervals[i-1].End != iv.Start {
				t.Fatalf("g%d intervals %d and %d do not join: %+v, %+v", g.ID, i-1, i, g.Intervals[i-1], iv)
			}
			if iv.State >= numStates || iv.State == Runtime {
				t.Fatalf("g%d interval %d has state %v", g.ID, i, iv.State)
			}
		}
	}
	type use struct {
		s Slice
		p int64
	}
	byG := map[int64][]use{}
	for _, p := range tr.Procs {
		for i, s := range p.Slices {
			if s.End <= s.Start || s.Start < 0 || s.End > tr.Span {
				t.Fatalf("P%d slice %d: %+v outside (0, %v]", p.ID, i, s, tr.Span)
			}
			if i > 0 && p.Slices[i-1].End > s.Start {
				t.Fatalf("P%d slices %d and %d overlap: %+v, %+v", p.ID, i-1, i, p.Slices[i-1], s)
			}
			byG[s.G] = append(byG[s.G], use{s, p.ID})
		}
	}
	for g, us := range byG {
		for i := range us {
			for j := i + 1; j < len(us); j++ {
				a, b := us[i].s, us[j].s
				if a.Start < b.End && b.Start < a.End {
					t.Fatalf("g%d on P%d and P%d at once: %+v, %+v", g, us[i].p, us[j].p, a, b)
				}
			}
		}
	}
}

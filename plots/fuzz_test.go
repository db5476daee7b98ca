package plots

import (
	"bytes"
	"strings"
	"testing"

	"github.com/conclab/conclab/demos"
)

// FuzzTimeline feeds recordings read from arbitrary JSON (a saved recording
// is a file anyone can edit) through Timeline and Compare: they must render
// without error or panic, and the lane layouts must stay well formed.
func FuzzTimeline(f *testing.F) {
	f.Add([]byte(`{"title":"t","kind":"pool","wall_ns":3000000,"tasks":[{"id":0,"lane":"w0","start_ns":0,"end_ns":1000000,` +
		`"phases":[{"name":"cpu","start_ns":0,"end_ns":500000}],"marks":[{"name":"m","at_ns":10}]},` +
		`{"id":1,"lane":"w1","start_ns":1000,"end_ns":3000000,"error":"boom"}]}`))
	f.Add([]byte(`{"wall_ns":-5,"tasks":[{"lane":"","start_ns":9223372036854775807,"end_ns":-9223372036854775808}]}`))
	f.Add([]byte(`{"wall_ns":10,"cpu_ns":99,"gomaxprocs":-1,"tasks":[{"lane":"a","start_ns":5,"end_ns":5},{"lane":"a","start_ns":0,"end_ns":10,` +
		`"phases":[{"name":"x","start_ns":8,"end_ns":2},{"name":"y","start_ns":-4,"end_ns":40}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := demos.ReadJSON(bytes.NewReader(data))
		if err != nil || len(rec.Tasks) > 300 {
			return
		}
		for _, c := range []*Chart{Timeline(rec), Compare(rec, rec)} {
			if _, err := c.SVG(); err != nil {
				t.Fatalf("SVG: %v", err)
			}
			if !strings.HasSuffix(c.String(), "\n") {
				t.Fatal("summary does not end in a newline")
			}
		}
		l := NewLanes(rec)
		end := l.end()
		for _, res := range []int64{0, 1, int64(end / 500), int64(end/7) + 1} {
			for _, lay := range l.layout(durationOf(res)) {
				checkLayout(t, lay)
			}
		}
	})
}

func checkLayout(t *testing.T, lay laneLayout) {
	t.Helper()
	if lay.merged > lay.tasks {
		t.Fatalf("merged %d of %d tasks", lay.merged, lay.tasks)
	}
	for _, s := range lay.spans {
		if s.End < s.Start {
			t.Fatalf("span ends before it starts: %+v", s)
		}
		if s.Mix == nil {
			continue
		}
		total := 0
		for _, sh := range s.Mix {
			if sh.Eighths <= 0 {
				t.Fatalf("empty share in %+v", s.Mix)
			}
			total += sh.Eighths
		}
		if total < 1 || total > mixLevels {
			t.Fatalf("mix fills %d eighths: %+v", total, s.Mix)
		}
	}
}

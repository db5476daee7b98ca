package demos_test

import (
	"bytes"
	"testing"

	"github.com/conclab/conclab/demos"
)

// FuzzReadJSON feeds ReadJSON arbitrary bytes, as a saved recording from
// anywhere could hold: it must never panic, a recording it accepts must
// summarize and compute its figures without panicking, and once written
// back it must read and write again to the same bytes.
func FuzzReadJSON(f *testing.F) {
	var buf bytes.Buffer
	if err := sample().WriteJSON(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(`{"tasks":[{"id":1,"lane":"g0","start_ns":5,"end_ns":2}],"wall_ns":-1}`))
	f.Add([]byte(`{"kind":"processes","tasks":[{"phases":[{"name":"x","start_ns":9,"end_ns":1}]}],"numcpu":0}`))
	f.Add([]byte(`{"tasks":[{"goroutines":[{"id":1,"states":[{"start_ns":0,"end_ns":5,"state":"running"}]},` +
		`{"id":2,"states":[{"start_ns":3,"end_ns":1,"state":"chan"},{"start_ns":2,"end_ns":9,"state":"zzz"}]}]}]}`))
	f.Add([]byte(`{"kind":"commands","tasks":[{"end_ns":10,"threads":[{"tid":7,"samples":[{"start_ns":0,"end_ns":0,"running_ns":5},` +
		`{"start_ns":4,"end_ns":2,"running_ns":-3,"runnable_ns":99}]}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec, err := demos.ReadJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		_ = rec.String()
		_, _, _, _ = rec.Concurrency(), rec.Figures().Lines(), rec.Parallelism(), rec.PhaseTotals()
		for _, task := range rec.Tasks {
			_, _ = task.States(), task.StateTimes()
		}
		_, _ = rec.Lanes(), rec.Failed()
		var out bytes.Buffer
		if err := rec.WriteJSON(&out); err != nil {
			t.Fatalf("a recording read could not be written: %v", err)
		}
		first := bytes.Clone(out.Bytes())
		again, err := demos.ReadJSON(&out)
		if err != nil {
			t.Fatalf("a recording written could not be read: %v\n%s", err, first)
		}
		var second bytes.Buffer
		if err := again.WriteJSON(&second); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, second.Bytes()) {
			t.Fatalf("round trip changed the recording:\n%s\n%s", first, second.Bytes())
		}
	})
}

// FuzzReadSweepJSON does the same for sweeps.
func FuzzReadSweepJSON(f *testing.F) {
	f.Add([]byte(`{"title":"t","runs":[{"workers":1,"wall_ns":100},{"workers":2,"wall_ns":60},null]}`))
	f.Add([]byte(`{"runs":[{"workers":0,"wall_ns":0},{"workers":-3,"wall_ns":-5}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := demos.ReadSweepJSON(bytes.NewReader(data))
		if err != nil {
			return
		}
		_ = s.String()
		for _, w := range s.Workers() {
			_, _ = s.Wall(w), s.Speedup(w)
		}
	})
}

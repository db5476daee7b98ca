package live

import (
	"context"
	"testing"

	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/engine"
)

// discard is an engine.Output that drops everything.
type discard struct{}

func (discard) Stream(string, string) {}
func (discard) Display(display.Data)  {}
func (discard) Result(map[string]any) {}
func (discard) Input(context.Context, string, bool) (string, error) {
	return "", context.Canceled
}

// BenchmarkTrivialCell measures a live cell end to end: prepare, the round
// trip to the worker, the interpreter, and the end-of-cell markers.
func BenchmarkTrivialCell(b *testing.B) {
	e := newTestEngine(b)
	ctx := context.Background()
	if err := e.Execute(ctx, engine.Cell{Code: "n := 0"}, discard{}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := e.Execute(ctx, engine.Cell{Code: "n++"}, discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrepare measures the parse and checks of a typical cell.
func BenchmarkPrepare(b *testing.B) {
	k := testKnowledge(nil)
	code := "var wg sync.WaitGroup\nfor i := 0; i < 4; i++ {\n\twg.Add(1)\n\tgo func() { defer wg.Done(); fmt.Println(i) }()\n}\nwg.Wait()"
	for b.Loop() {
		if _, err := prepare(code, 1, k); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWorkerStart measures starting a worker and running a first cell:
// the latency of the first live cell of a session, and of one after a crash.
func BenchmarkWorkerStart(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		e := New(Options{Binary: workerBinary, TempDir: b.TempDir()})
		if err := e.Execute(ctx, engine.Cell{Code: "x := 1"}, discard{}); err != nil {
			b.Fatal(err)
		}
		e.Close()
	}
}

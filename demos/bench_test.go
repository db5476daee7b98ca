package demos_test

import (
	"context"
	"runtime"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/conclab/conclab/demos"
	"github.com/conclab/conclab/demos/workload"
)

// perRecording is how many tasks the task benchmarks put in one
// recording, and perTask how many phases or marks in one task: sizes of
// real runs, so that the benchmarks do not measure ever-growing slices.
const (
	perRecording = 1000
	perTask      = 16
)

// BenchmarkRecordTask is the cost of recording one task with a Recorder:
// starting it on a lane and ending it. The target is at most 200 ns.
func BenchmarkRecordTask(b *testing.B) {
	var r *demos.Recorder
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%perRecording == 0 {
			r = demos.NewRecorder(context.Background(), "bench")
		}
		i++
		r.Start("worker").End()
	}
}

// BenchmarkRecordTaskInRunner is what a runner adds per task: Serial with
// tasks that do nothing is all recording.
func BenchmarkRecordTaskInRunner(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		demos.Serial(perRecording, func(*demos.T) {})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perRecording), "ns/task")
}

// BenchmarkPhase is the cost of switching phase inside a task, timed inside
// the task: what a run costs by itself is BenchmarkRecordTaskInRunner's.
func BenchmarkPhase(b *testing.B) {
	var inside time.Duration
	for b.Loop() {
		demos.Serial(1, func(t *demos.T) {
			start := time.Now()
			for range perTask {
				t.Phase("cpu")
			}
			inside += time.Since(start)
		})
	}
	b.ReportMetric(float64(inside.Nanoseconds())/float64(b.N*perTask), "ns/phase")
}

// BenchmarkMark is the cost of marking an instant inside a task, timed
// inside the task.
func BenchmarkMark(b *testing.B) {
	var inside time.Duration
	for b.Loop() {
		demos.Serial(1, func(t *demos.T) {
			start := time.Now()
			for range perTask {
				t.Mark("sent")
			}
			inside += time.Since(start)
		})
	}
	b.ReportMetric(float64(inside.Nanoseconds())/float64(b.N*perTask), "ns/mark")
}

// goroutines100k is the size of the run the overhead target is set for.
const goroutines100k = 100_000

// work is what each benchmarked goroutine does: a little arithmetic whose
// result is kept, so that it cannot be optimized away.
func work(out *int) {
	s := 0
	for i := range 100 {
		s += i * i
	}
	*out = s
}

// bare runs n goroutines of work with a WaitGroup and nothing recorded.
func bare(n int, out []int) {
	var wg sync.WaitGroup
	wg.Add(n)
	for i := range n {
		go func() {
			defer wg.Done()
			work(&out[i])
		}()
	}
	wg.Wait()
}

// recorded runs the same goroutines through Goroutines.
func recorded(n int, out []int) *demos.Recording {
	return demos.Goroutines(n, func(t *demos.T) { work(&out[t.ID()]) })
}

// BenchmarkGoroutines100k compares a run of 100,000 goroutines with and
// without recording; the target is recorded <= 1.5x bare. The "ratio"
// sub-benchmark runs them alternately and reports the whole recorded call
// over the bare run (recorded/bare: the run, the trace's snapshot and
// reading the states from it), the recorded run's own wall time over the
// bare run's (run/bare: how much recording slows the work it watches), and
// the floor under the latter: the bare run with the runtime's flight
// recorder on and nothing of demos (traced/bare).
func BenchmarkGoroutines100k(b *testing.B) {
	out := make([]int, goroutines100k)
	b.Run("bare", func(b *testing.B) {
		for b.Loop() {
			bare(goroutines100k, out)
		}
	})
	b.Run("recorded", func(b *testing.B) {
		for b.Loop() {
			recorded(goroutines100k, out)
		}
	})
	b.Run("ratio", func(b *testing.B) {
		// Each run starts from a collected heap, so that neither pays for
		// the garbage of the other.
		var tBare, tRec, tRun, tTraced time.Duration
		for b.Loop() {
			runtime.GC()
			start := time.Now()
			bare(goroutines100k, out)
			tBare += time.Since(start)
			runtime.GC()
			fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: time.Hour, MaxBytes: 128 << 20})
			if err := fr.Start(); err != nil {
				b.Fatal(err)
			}
			start = time.Now()
			bare(goroutines100k, out)
			tTraced += time.Since(start)
			fr.Stop()
			runtime.GC()
			start = time.Now()
			rec := recorded(goroutines100k, out)
			tRec += time.Since(start)
			tRun += rec.Wall
		}
		b.ReportMetric(float64(tRec)/float64(tBare), "recorded/bare")
		b.ReportMetric(float64(tRun)/float64(tBare), "run/bare")
		b.ReportMetric(float64(tTraced)/float64(tBare), "traced/bare")
	})
}

// BenchmarkFourCPUBound compares four goroutines that each compute for
// 100 ms, recorded and bare, run alternately; the target is recorded <=
// 1.05x bare (the whole call).
func BenchmarkFourCPUBound(b *testing.B) {
	rounds := workload.Rounds(100 * time.Millisecond)
	var tBare, tRec time.Duration
	var bare, rec atomic.Uint64 // the results: both ways do the same work
	for b.Loop() {
		start := time.Now()
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() { bare.Add(workload.Work(rounds)) })
		}
		wg.Wait()
		tBare += time.Since(start)
		start = time.Now()
		demos.Goroutines(4, func(*demos.T) { rec.Add(workload.Work(rounds)) })
		tRec += time.Since(start)
	}
	if bare.Load() != rec.Load() {
		b.Fatalf("recorded work computed %#x, bare %#x", rec.Load(), bare.Load())
	}
	b.ReportMetric(float64(tRec)/float64(tBare), "recorded/bare")
}

package demos_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/conclab/conclab/demos"
	"github.com/conclab/conclab/demos/workload"
)

func ExampleGoroutines() {
	var mu sync.Mutex
	counter := 0
	rec := demos.Goroutines(4, func(t *demos.T) {
		t.Phase("wait lock")
		mu.Lock()
		t.Phase("hold lock")
		counter++
		mu.Unlock()
		t.SetResult(t.ID() * 10)
	})
	for _, task := range rec.Tasks {
		fmt.Println(task.Lane, task.Result, len(task.Phases))
	}
	fmt.Println("counter:", counter)
	// Output:
	// g0 0 2
	// g1 10 2
	// g2 20 2
	// g3 30 2
	// counter: 4
}

func ExampleConcurrent() {
	rec := demos.Concurrent(
		func(t *demos.T) { t.SetResult("download") },
		func(t *demos.T) { t.SetResult("parse") },
	)
	fmt.Println(rec.Lanes(), rec.Tasks[0].Result, rec.Tasks[1].Result)
	// Output: [g0 g1] download parse
}

func ExampleSerial() {
	rec := demos.Serial(3, func(t *demos.T) { t.SetResult(t.ID() + 1) })
	fmt.Println(rec.Kind, rec.Lanes(), len(rec.Tasks))
	// Output: serial [main] 3
}

func ExampleMap() {
	words := []string{"go", "gopher", "goroutine", "channel"}
	lengths, rec, err := demos.Map(context.Background(), 2, words, func(t *demos.T, w string) (int, error) {
		t.Phase("cpu")
		return len(w), nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(lengths)
	fmt.Println(rec.Kind, rec.Workers, "workers,", len(rec.Tasks), "tasks")
	// Output:
	// [2 6 9 7]
	// pool 2 workers, 4 tasks
}

func ExampleMap_errors() {
	_, rec, err := demos.Map(context.Background(), 2, []int{1, 0, 4}, func(t *demos.T, x int) (int, error) {
		if x == 0 {
			return 0, fmt.Errorf("cannot divide by zero")
		}
		return 12 / x, nil
	})
	fmt.Println(err)
	fmt.Println(len(rec.Failed()), "failed")
	// Output:
	// job 1: cannot divide by zero
	// 1 failed
}

func ExampleRunSweep() {
	jobs := make([]int, 16)
	s, err := demos.RunSweep(context.Background(), "sleepers", []int{1, 2, 4}, 2,
		func(ctx context.Context, workers int) (*demos.Recording, error) {
			_, rec, err := demos.Map(ctx, workers, jobs, func(t *demos.T, _ int) (int, error) {
				time.Sleep(time.Millisecond)
				return 0, nil
			})
			return rec, err
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Workers(), len(s.Runs), "runs")
	// Output: [1 2 4] 6 runs
}

func ExampleSweep_String() {
	s := &demos.Sweep{Title: "primes", Runs: []*demos.Recording{
		{Workers: 1, Wall: 400 * time.Millisecond},
		{Workers: 2, Wall: 210 * time.Millisecond},
		{Workers: 4, Wall: 200 * time.Millisecond},
	}}
	fmt.Println(s)
	// Output:
	// sweep "primes": 3 runs
	//   workers runs       wall  speedup efficiency
	//         1    1      400ms    1.00x       100%
	//         2    1      210ms    1.90x        95%
	//         4    1      200ms    2.00x        50%
}

func ExampleRecorder() {
	r := demos.NewRecorder(context.Background(), "producer and consumer")
	ch := make(chan int)
	r.Go("producer", func(t *demos.T) {
		for i := 1; i <= 3; i++ {
			t.Phase("send")
			ch <- i
		}
		close(ch)
	})
	r.Go("consumer", func(t *demos.T) {
		sum := 0
		for v := range ch {
			sum += v
		}
		t.SetResult(sum)
	})
	r.Wait()
	rec := r.Recording()
	lanes := rec.Lanes()
	slices.Sort(lanes)
	fmt.Println(lanes)
	for _, t := range rec.Tasks {
		if t.Lane == "consumer" {
			fmt.Println("consumer got", t.Result)
		}
	}
	// Output:
	// [consumer producer]
	// consumer got 6
}

func ExampleRecording_String() {
	const ms = time.Millisecond
	span := func(from, to time.Duration, s demos.State) demos.Span {
		return demos.Span{Start: from, End: to, State: s}
	}
	rec := &demos.Recording{
		Title: "two workers", Kind: demos.KindPool, Workers: 2, StateSource: "Go execution trace",
		Wall: 100 * ms, CPU: 135 * ms, GOMAXPROCS: 2, NumCPU: 2, GoVersion: "go1.26.8",
		Tasks: []demos.Task{
			{ID: 0, Lane: "worker 0", Start: 0, End: 80 * ms,
				Phases:     []demos.Phase{{Name: "cpu", Start: 0, End: 80 * ms}},
				Goroutines: []demos.Goroutine{{ID: 7, States: []demos.Span{span(0, 60*ms, demos.StateRunning), span(60*ms, 80*ms, demos.StateRunnable)}}}},
			{ID: 1, Lane: "worker 1", Start: 0, End: 90 * ms,
				Phases:     []demos.Phase{{Name: "cpu", Start: 0, End: 70 * ms}, {Name: "io", Start: 70 * ms, End: 90 * ms}},
				Goroutines: []demos.Goroutine{{ID: 8, States: []demos.Span{span(0, 70*ms, demos.StateRunning), span(70*ms, 90*ms, demos.StateSyscall)}}}},
			{ID: 2, Lane: "worker 0", Start: 80 * ms, End: 100 * ms, Err: "timeout",
				Goroutines: []demos.Goroutine{{ID: 7, States: []demos.Span{span(80*ms, 100*ms, demos.StateSync)}}}},
		},
		Notes: []string{"one job timed out"},
	}
	fmt.Println(rec)
	// Output:
	// pool "two workers": 3 tasks on 2 lanes (2 workers)
	//   wall 100ms · CPU 135ms · busy 190ms (the tasks' durations, summed)
	//   parallelism 1.35 = CPU / wall: cores busy on average (of 2 CPUs)
	//   concurrency 1.90 = busy / wall: tasks under way on average, running or waiting
	//   peak running 2 of 2 cores (at 0s): the most goroutines running (each holding a P) at the same moment
	//   states from the Go execution trace, all lanes: running 130ms, runnable 20ms, blocked 40ms (sync 20ms, syscall 20ms)
	//   worker 0: running 60ms, runnable 20ms, blocked 20ms (sync 20ms)
	//   worker 1: running 70ms, runnable 0s, blocked 20ms (syscall 20ms)
	//   GOMAXPROCS 2, NumCPU 2, go1.26.8
	//   phases (as the tasks reported them): cpu 150ms, io 20ms
	//   failed: 1 of 3 (task 2 on worker 0: timeout)
	//   note: one job timed out
}

func ExampleRecording_Figures() {
	// Four goroutines that compute, recorded on a machine with two cores:
	// never more than two run at once, and each waits its turn.
	rec := demos.Goroutines(4, func(t *demos.T) {
		t.Phase("cpu")
		workload.WorkFor(20 * time.Millisecond)
	})
	f := rec.Figures()
	fmt.Println("states recorded:", f.States)
	fmt.Println("peak running within the cores:", f.PeakRunning <= float64(f.Cores))
	fmt.Println("lanes:", len(f.Lanes))
	// Output:
	// states recorded: true
	// peak running within the cores: true
	// lanes: 4
}

func ExampleReadJSON() {
	rec := demos.Serial(2, func(t *demos.T) { t.SetResult("ok") })
	rec.Title = "saved"
	var buf bytes.Buffer
	if err := rec.WriteJSON(&buf); err != nil {
		fmt.Println(err)
		return
	}
	loaded, err := demos.ReadJSON(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(loaded.Title, len(loaded.Tasks), loaded.Tasks[1].Result, loaded.Wall == rec.Wall)
	// Output: saved 2 ok true
}

func ExampleT_Phase() {
	rec := demos.Serial(1, func(t *demos.T) {
		t.Phase("wait lock")
		t.Phase("hold lock")
		t.Mark("updated")
		t.Phase("io")
	})
	for _, p := range rec.Tasks[0].Phases {
		fmt.Println(p.Name)
	}
	fmt.Println(rec.Tasks[0].Marks[0].Name)
	// Output:
	// wait lock
	// hold lock
	// io
	// updated
}

func ExampleFormatDuration() {
	fmt.Println(demos.FormatDuration(1234567 * time.Nanosecond))
	// Output: 1.23ms
}

func ExampleForEach() {
	squares := make([]int, 5)
	rec, err := demos.ForEach(context.Background(), 2, len(squares), func(t *demos.T, i int) error {
		squares[i] = i * i
		return nil
	})
	fmt.Println(squares, len(rec.Tasks), err)
	// Output: [0 1 4 9 16] 5 <nil>
}

func ExampleCompare() {
	base := &demos.Recording{Title: "1 goroutine", Wall: 96 * time.Millisecond}
	run := &demos.Recording{Title: "2 goroutines", Wall: 48 * time.Millisecond}
	c := demos.Compare(base, run)
	fmt.Printf("%.2f\n", c.Speedup)
	fmt.Println(c)
	// Output:
	// 2.00
	// "2 goroutines" against the baseline "1 goroutine": speedup 2.00, faster (wall 48ms against 96ms)
}

func ExampleFastest() {
	sleep := func(d time.Duration) func() *demos.Recording {
		return func() *demos.Recording {
			return demos.Goroutines(1, func(t *demos.T) { time.Sleep(d) })
		}
	}
	best := demos.Fastest(3, sleep(2*time.Millisecond), sleep(20*time.Millisecond))
	fmt.Println(len(best), best[0].Wall < best[1].Wall)
	// Output: 2 true
}

func ExampleSweep_Fastest() {
	s := &demos.Sweep{Title: "primes", Runs: []*demos.Recording{
		{Workers: 1, Wall: 400 * time.Millisecond},
		{Workers: 2, Wall: 260 * time.Millisecond},
		{Workers: 1, Wall: 380 * time.Millisecond},
		{Workers: 2, Wall: 210 * time.Millisecond},
	}}
	fmt.Println(s.Fastest())
	// Output:
	// sweep "primes": 2 runs
	//   workers runs       wall  speedup efficiency
	//         1    1      380ms    1.00x       100%
	//         2    1      210ms    1.81x        90%
}

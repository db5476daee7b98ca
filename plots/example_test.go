package plots_test

import (
	"bytes"
	"fmt"
	"image/png"
	"log"
	"os"
	"path/filepath"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/conclab/conclab/demos"
	"github.com/conclab/conclab/plots"
)

const ms = time.Millisecond

// lockRun is a hand-made recording: three goroutines take turns on a lock,
// each blocked on it (sync) until its turn, then running 40 ms while it
// holds it.
func lockRun() *demos.Recording {
	const ms = 10 * time.Millisecond // the run is long enough for its CPU time to count
	rec := &demos.Recording{Title: "counter with a lock", Kind: "goroutines", Wall: 12 * ms, CPU: 12 * ms,
		GOMAXPROCS: 2, NumCPU: 2, GoVersion: "go1.26.8", StateSource: "Go execution trace"}
	for i := range 3 {
		wait := time.Duration(i) * 4 * ms
		var states []demos.Span
		if wait > 0 {
			states = append(states, demos.Span{Start: 0, End: wait, State: demos.StateSync})
		}
		states = append(states, demos.Span{Start: wait, End: wait + 4*ms, State: demos.StateRunning})
		rec.Tasks = append(rec.Tasks, demos.Task{ID: i, Lane: fmt.Sprintf("g%d", i+1), Start: 0, End: wait + 4*ms,
			Phases: []demos.Phase{
				{Name: "wait lock", Start: 0, End: wait},
				{Name: "hold lock", Start: wait, End: wait + 4*ms},
			},
			Marks:      []demos.Mark{{Name: "got lock", At: wait}},
			Goroutines: []demos.Goroutine{{ID: int64(i + 7), States: states}}})
	}
	return rec
}

func ExampleTimeline() {
	c := plots.Timeline(lockRun())
	// In a notebook, c.Show() draws it under the cell; here it prints this.
	fmt.Print(c)
	// Output:
	// Timeline: counter with a lock (goroutines)
	// wall 120ms · CPU 120ms · busy 240ms (the tasks' durations, summed)
	// parallelism 1.00 = CPU / wall: cores busy on average (of 2 CPUs)
	// concurrency 2.00 = busy / wall: tasks under way on average, running or waiting
	// peak running 1 of 2 cores (at 0s): the most goroutines running (each holding a P) at the same moment
	// states from the Go execution trace, all lanes: running 120ms, runnable 0s, blocked 120ms (sync 120ms)
	// g1: running 40ms, runnable 0s, blocked 0s
	// g2: running 40ms, runnable 0s, blocked 40ms (sync 40ms)
	// g3: running 40ms, runnable 0s, blocked 80ms (sync 80ms)
	// GOMAXPROCS=2, 2 CPUs, go1.26.8
	// 3 lanes, 3 tasks
	// bars: what the scheduler did (from the Go execution trace); band above: the phases the tasks reported
	// phases: wait lock 120 ms (50%), hold lock 120 ms (50%)
	// drawing: all 3 tasks as separate bars (one pixel is 209 µs)
}

func ExampleCompare() {
	locked := lockRun()
	locked.Title = "with a lock"
	const ms = 10 * time.Millisecond
	free := lockRun()
	free.Title, free.Wall, free.CPU = "no lock", 8*ms, 12*ms
	for i := range free.Tasks {
		// Three goroutines on two cores: the third waits for a core.
		end, run := 4*ms, []demos.Span{{Start: 0, End: 4 * ms, State: demos.StateRunning}}
		if i == 2 {
			end = 8 * ms
			run = []demos.Span{{Start: 0, End: 4 * ms, State: demos.StateRunnable}, {Start: 4 * ms, End: 8 * ms, State: demos.StateRunning}}
		}
		free.Tasks[i].End = end
		free.Tasks[i].Phases = []demos.Phase{{Name: "cpu", Start: 0, End: end}}
		free.Tasks[i].Marks = nil
		free.Tasks[i].Goroutines[0].States = run
	}
	c := plots.Compare(locked, free)
	fmt.Print(c)
	// Output:
	// Compare: with a lock vs no lock
	// [1] with a lock
	//     wall 120ms · CPU 120ms · busy 240ms (the tasks' durations, summed)
	//     parallelism 1.00 = CPU / wall: cores busy on average (of 2 CPUs)
	//     concurrency 2.00 = busy / wall: tasks under way on average, running or waiting
	//     peak running 1 of 2 cores (at 0s): the most goroutines running (each holding a P) at the same moment
	//     states from the Go execution trace, all lanes: running 120ms, runnable 0s, blocked 120ms (sync 120ms)
	//     g1: running 40ms, runnable 0s, blocked 0s
	//     g2: running 40ms, runnable 0s, blocked 40ms (sync 40ms)
	//     g3: running 40ms, runnable 0s, blocked 80ms (sync 80ms)
	//     GOMAXPROCS=2, 2 CPUs, go1.26.8
	//     3 lanes, 3 tasks
	//     bars: what the scheduler did (from the Go execution trace); band above: the phases the tasks reported
	//     phases: wait lock 120 ms (50%), hold lock 120 ms (50%)
	// [2] no lock
	//     wall 80ms · CPU 120ms · busy 160ms (the tasks' durations, summed)
	//     parallelism 1.50 = CPU / wall: cores busy on average (of 2 CPUs)
	//     concurrency 2.00 = busy / wall: tasks under way on average, running or waiting
	//     peak running 2 of 2 cores (at 0s): the most goroutines running (each holding a P) at the same moment
	//     states from the Go execution trace, all lanes: running 120ms, runnable 40ms, blocked 0s
	//     g1: running 40ms, runnable 0s, blocked 0s
	//     g2: running 40ms, runnable 0s, blocked 0s
	//     g3: running 40ms, runnable 40ms, blocked 0s
	//     GOMAXPROCS=2, 2 CPUs, go1.26.8
	//     3 lanes, 3 tasks
	//     bars: what the scheduler did (from the Go execution trace); band above: the phases the tasks reported
	//     phases: cpu 160 ms (100%)
	// "no lock" took 0.667× the wall time of "with a lock" (80ms against 120ms)
	// drawing: all 6 tasks as separate bars (one pixel is 209 µs)
}

func ExampleSpeedup() {
	s := plots.Sweep{Title: "sum of squares", NumCPU: 4}
	for _, n := range []int{1, 2, 4, 8} {
		// 2 ms that do not parallelize and 38 ms that do, on four cores:
		// 40 ms of computing however it is shared.
		wall := 2*ms + 38*ms/time.Duration(min(n, 4))
		s.Runs = append(s.Runs, plots.Run{Workers: n, Wall: wall, CPU: 40 * ms})
	}
	fmt.Print(plots.Speedup(s))
	// Output:
	// Speedup: sum of squares
	// best 3.48× at 4 workers · Amdahl: 95% parallel
	// speedup against the 1-worker run: 40 ms
	// workers  runs  median wall  speedup  efficiency
	// 1        1     40 ms        1×       100%
	// 2        1     21 ms        1.9×     95%
	// 4        1     11.5 ms      3.48×    87%
	// 8        1     11.5 ms      3.48×    43%
	// Amdahl fit: wall(n) = 2 ms + 38 ms/n, so 95% of the work runs in parallel; if the serial part stayed as fitted, no number of cores would take this work past 20×
	// the fit uses the runs with at most 4 workers; past that the curve stays flat, since no more than 4 workers run at once
	// the machine has 4 CPUs: beyond that, workers take turns on the same cores
}

// On two cores a sweep has only two worker counts within the cores, and
// Amdahl's law passes through any two points: Speedup draws no fit rather
// than a ceiling read from them.
func ExampleSpeedup_twoCores() {
	s := plots.Sweep{Title: "sum of squares", NumCPU: 2}
	for _, n := range []int{1, 2, 4} {
		s.Runs = append(s.Runs, plots.Run{Workers: n, Wall: 2*ms + 38*ms/time.Duration(min(n, 2)), CPU: 40 * ms})
	}
	fmt.Print(plots.Speedup(s))
	// Output:
	// Speedup: sum of squares
	// best 1.9× at 2 workers
	// speedup against the 1-worker run: 40 ms
	// workers  runs  median wall  speedup  efficiency
	// 1        1     40 ms        1×       100%
	// 2        1     21 ms        1.9×     95%
	// 4        1     21 ms        1.9×     48%
	// no Amdahl fit: a fit needs runs with 3 different worker counts within the cores: with fewer, every curve fits (this machine has 2)
	// the machine has 2 CPUs: beyond that, workers take turns on the same cores
}

func ExampleDistribution() {
	var g, p []time.Duration
	for i := range 100 {
		g = append(g, time.Duration(900+10*i)*time.Nanosecond)
		p = append(p, time.Duration(1000+5*i)*time.Microsecond)
	}
	c := plots.Distribution("start cost", plots.Sample{Name: "goroutine", Values: g}, plots.Sample{Name: "process", Values: p})
	fmt.Print(c)
	// Output:
	// Distribution: start cost
	// goroutine median 1.4 µs · process median 1.25 ms (894× goroutine)
	// sample     n    min     p25      median   p75      p90      max      mean
	// goroutine  100  900 ns  1.15 µs  1.4 µs   1.64 µs  1.79 µs  1.89 µs  1.4 µs
	// process    100  1 ms    1.12 ms  1.25 ms  1.37 ms  1.45 ms  1.5 ms   1.25 ms
}

func ExampleFitAmdahl() {
	runs := []plots.Run{{Workers: 1, Wall: 100 * ms}, {Workers: 2, Wall: 55 * ms}, {Workers: 4, Wall: 32500 * time.Microsecond}}
	fit, err := plots.FitAmdahl(runs)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("serial %v, parallel %v\n", fit.Serial, fit.Parallel)
	fmt.Printf("%.0f%% parallel, at most %.0f× faster, %.2f× with 8 workers\n", 100*fit.Fraction(), fit.Limit(), fit.Speedup(8))
	// Output:
	// serial 10ms, parallel 90ms
	// 90% parallel, at most 10× faster, 4.71× with 8 workers
}

func ExampleChart_Save() {
	dir, err := os.MkdirTemp("", "plots")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "timeline.png")
	if err := plots.Timeline(lockRun()).Save(path); err != nil {
		log.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d×%d pixels\n", cfg.Width, cfg.Height)
	// Output:
	// 1600×384 pixels
}

// Lanes is an ordinary gonum/plot plotter: put a recording on a plot of
// your own, with lane names on the Y axis and the phases in the legend.
func ExampleLanes() {
	rec := lockRun()
	p := plot.New()
	p.Title.Text = rec.Title
	lanes := plots.NewLanes(rec)
	lanes.Unit = time.Microsecond
	p.Add(lanes)
	p.Y.Tick.Marker = plot.ConstantTicks(lanes.Ticks())
	p.X.Label.Text = "µs"
	lanes.AddToLegend(&p.Legend)

	dir, err := os.MkdirTemp("", "plots")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := p.Save(4*vg.Inch, 2*vg.Inch, filepath.Join(dir, "lanes.svg")); err != nil {
		log.Fatal(err)
	}
	xmin, xmax, ymin, ymax := lanes.DataRange()
	fmt.Println(lanes.Names(), lanes.Phases())
	fmt.Println(xmin, xmax, ymin, ymax)
	// Output:
	// [g1 g2 g3] [wait lock hold lock]
	// 0 120000 0 3
}

func ExamplePalette() {
	pal := plots.NewPalette()
	fmt.Println(pal.Order([]string{"render", "io", "task", "cpu", "parse"}))
	fmt.Println(pal.Color("cpu") == plots.NewPalette().Color("cpu"))
	// Output:
	// [cpu io render parse task]
	// true
}

func ExampleBars() {
	chart := plots.Bars("Countdown split over two workers: speedup over one worker",
		"times as fast as one worker", []plots.Bar{
			{Label: "Python: 2 threads", Value: 0.97, Text: "0.97×"},
			{Label: "Python: 2 processes", Value: 1.91, Text: "1.91×"},
			{Label: "Go: 2 goroutines, GOMAXPROCS=1", Value: 1.0, Text: "1.00×"},
			{Label: "Go: 2 goroutines, GOMAXPROCS=2", Value: 1.96, Text: "1.96×"},
		}, 1, 2)
	fmt.Print(chart)
	// Output:
	// Bars: Countdown split over two workers: speedup over one worker
	//                                 times as fast as one worker
	// Python: 2 threads               0.97×
	// Python: 2 processes             1.91×
	// Go: 2 goroutines, GOMAXPROCS=1  1.00×
	// Go: 2 goroutines, GOMAXPROCS=2  1.96×
	// reference lines at 1, 2
}

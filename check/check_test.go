package check_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conclab/conclab/check"
)

// Answers to "count to n from w goroutines", right and wrong.

func countMutex(w, n int) int {
	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for range w {
		wg.Go(func() {
			for range n {
				mu.Lock()
				total++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return total
}

// countRacy is the "fix" that drops the Gosched but keeps counter++: most
// runs count right.
func countRacy(w, n int) int {
	total := 0
	var wg sync.WaitGroup
	for range w {
		wg.Go(func() {
			for range n {
				total++
			}
		})
	}
	wg.Wait()
	return total
}

// countEarlyUnlock reads under the lock but writes after releasing it.
func countEarlyUnlock(w, n int) int {
	var mu sync.Mutex
	total := 0
	var wg sync.WaitGroup
	for range w {
		wg.Go(func() {
			for range n {
				mu.Lock()
				v := total
				mu.Unlock()
				total = v + 1
			}
		})
	}
	wg.Wait()
	return total
}

func counterCheck(count func(w, n int) int) func(c *check.C) {
	return func(c *check.C) {
		if got := count(4, 1000); got != 4000 {
			c.Errorf("count(4, 1000) = %d, want 4000", got)
		}
	}
}

// Answers to "run the jobs on at most 3 workers".

func poolBounded(jobs []func(), workers int) {
	ch := make(chan func())
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for job := range ch {
				job()
			}
		})
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
}

// poolUnbounded ignores its bound: one goroutine per job.
func poolUnbounded(jobs []func(), workers int) {
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Go(j)
	}
	wg.Wait()
}

// poolLeaky returns without closing the jobs channel: its workers wait
// forever.
func poolLeaky(jobs []func(), workers int) {
	ch := make(chan func())
	var wg sync.WaitGroup
	for range workers {
		go func() {
			for job := range ch {
				job()
				wg.Done()
			}
		}()
	}
	wg.Add(len(jobs))
	for _, j := range jobs {
		ch <- j
	}
	wg.Wait()
}

func poolCheck(pool func([]func(), int)) func(c *check.C) {
	return func(c *check.C) {
		var g check.Gauge
		jobs := make([]func(), 10)
		for i := range jobs {
			jobs[i] = func() {
				g.Enter()
				defer g.Leave()
				time.Sleep(100 * time.Microsecond)
			}
		}
		pool(jobs, 3)
		if g.Max() > 3 {
			c.Errorf("%d jobs ran at once, more than the 3 workers allowed", g.Max())
		}
	}
}

// handOff sends on an unbuffered channel that nobody receives from yet.
func handOffDeadlock() int {
	ch := make(chan int)
	ch <- 1
	return <-ch
}

func handOffBuffered() int {
	ch := make(chan int, 1)
	ch <- 1
	return <-ch
}

func handOffCheck(f func() int) func(c *check.C) {
	return func(c *check.C) {
		if got := f(); got != 1 {
			c.Errorf("got %d, want 1", got)
		}
	}
}

// Every known wrong answer is caught on every try; every right answer
// passes every time.
var (
	fast = check.Options{Runs: 20, Timeout: 300 * time.Millisecond}
	race = check.Options{Runs: 20, Timeout: 300 * time.Millisecond, Race: true}
)

// raceAnswers are the racy answers, run by TestRaceChild in a child process.
var raceAnswers = map[string]func(c *check.C){
	"racy counter":        counterCheck(countRacy),
	"lock released early": counterCheck(countEarlyUnlock),
}

// checkInChild runs the check of raceAnswers[name] in a child process and
// returns what it printed.
func checkInChild(t *testing.T, name string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRaceChild$")
	cmd.Env = append(os.Environ(), "CHECK_RACE_CHILD="+name, "GORACE=atexit_sleep_ms=0")
	out, err := cmd.Output() // the detector's reports go to stderr
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("child: %v", err)
	}
	return string(out)
}

// TestRaceChild is the child side of checkInChild.
func TestRaceChild(t *testing.T) {
	name := os.Getenv("CHECK_RACE_CHILD")
	if name == "" {
		t.Skip("the child process of TestKnownAnswers' racy answers")
	}
	fmt.Println(check.Run(name, race, raceAnswers[name]))
	os.Exit(0) // whatever the detector's exit status would be
}

func TestKnownAnswers(t *testing.T) {
	// Every try of a racy answer under the detector is a child process
	// (a tenth of a second each): 20 tries here, the 50 of make stress with
	// CONCLAB_STRESS=1.
	tries, raceTries := 50, 20
	if os.Getenv("CONCLAB_STRESS") == "1" {
		raceTries = 50
	}
	if testing.Short() {
		tries, raceTries = 5, 3
	}
	tests := []struct {
		name string
		opt  check.Options
		fn   func(c *check.C)
		want check.Kind // "" when the answer is right
		says string
	}{
		{"mutex counter", race, counterCheck(countMutex), "", ""},
		{"racy counter", race, raceAnswers["racy counter"], check.Race, "race"},
		{"lock released early", race, raceAnswers["lock released early"], check.Race, "race"},
		{"bounded pool", fast, poolCheck(poolBounded), "", ""},
		{"pool that ignores its bound", fast, poolCheck(poolUnbounded), check.Wrong, "more than the 3 workers"},
		{"pool that leaks its workers", fast, poolCheck(poolLeaky), check.Leak, "[chan receive] at "},
		{"buffered hand-off", fast, handOffCheck(handOffBuffered), "", ""},
		{"unbuffered hand-off", fast, handOffCheck(handOffDeadlock), check.Stuck, "a deadlock"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := tries
			if tt.want == check.Stuck {
				n = min(tries, 3) // each try leaves a goroutine blocked for good
			}
			want := tt.want
			if tt.opt.Race && !check.RaceEnabled {
				want = check.NoRace // refused, right or wrong, without the detector
			}
			if want == check.Race {
				// A race fails the test binary itself: each try runs in a
				// child process of its own, as a notebook cell does.
				for try := range raceTries {
					if out := checkInChild(t, tt.name); !strings.Contains(out, "FAILED") || !strings.Contains(out, "\n  race in ") {
						t.Fatalf("try %d: want a race failure, got:\n%s", try+1, out)
					}
				}
				return
			}
			for try := range n {
				r := check.Run(tt.name, tt.opt, tt.fn)
				if want == "" {
					if !r.OK() {
						t.Fatalf("try %d: a right answer failed:\n%v", try+1, r)
					}
					continue
				}
				if r.OK() || r.Failed()[want] == 0 || !strings.Contains(r.String(), tt.says) {
					t.Fatalf("try %d: want a %q failure saying %q, got:\n%v", try+1, want, tt.says, r)
				}
			}
		})
	}
}

func TestReportWords(t *testing.T) {
	r := check.Run("sum", check.Options{Runs: 6, Procs: []int{1, 2}}, func(c *check.C) {
		if c.Run()%3 == 0 {
			c.Errorf("sum = %d, want 10", 9)
		}
		if c.Run() == 4 {
			panic("boom")
		}
	})
	want := "sum: FAILED in 3 of 6 runs (GOMAXPROCS 1, 2)\n" +
		"  wrong in 2 of 6 runs; first, run 3 (GOMAXPROCS 1): sum = 9, want 10\n" +
		"  panic in 1 of 6 runs; first, run 4 (GOMAXPROCS 2): panic: boom (at "
	if got := r.String(); !strings.HasPrefix(got, want) {
		t.Errorf("report:\n%s\nwant it to start:\n%s", got, want)
	}
	ok := check.Run("sum", check.Options{Runs: 4}, func(c *check.C) {})
	if got := ok.String(); got != "sum: passed 4 of 4 runs (GOMAXPROCS 1, 2, 4)" || !ok.OK() {
		t.Errorf("report %q, OK %v", got, ok.OK())
	}
}

func TestReportBeforeAnyRun(t *testing.T) {
	if check.RaceEnabled {
		t.Skip("the refusal is for programs without the race detector")
	}
	r := check.Run("counter", check.Options{Race: true}, func(*check.C) {})
	want := "counter: FAILED before its first run: this check needs the race detector"
	if got := r.String(); !strings.HasPrefix(got, want) || r.OK() {
		t.Errorf("report %q, want it to start %q", got, want)
	}
}

func TestFatalfEndsTheRun(t *testing.T) {
	after := false
	r := check.Run("fatal", check.Options{Runs: 1}, func(c *check.C) {
		c.Fatalf("stop")
		after = true
	})
	if after || r.Failed()[check.Wrong] != 1 {
		t.Errorf("after Fatalf: ran on %v, report %v", after, r)
	}
}

func TestMust(t *testing.T) {
	defer func() {
		if p := recover(); p == nil || !strings.Contains(p.(string), "FAILED") {
			t.Errorf("Must of a failed check: recovered %v", p)
		}
	}()
	check.Run("fine", check.Options{Runs: 2}, func(*check.C) {}).Must()
	check.Run("wrong", check.Options{Runs: 2}, func(c *check.C) { c.Errorf("no") }).Must()
}

func TestGOMAXPROCSRestored(t *testing.T) {
	before := runtimeGOMAXPROCS()
	check.Run("procs", check.Options{Runs: 3, Procs: []int{1, 3, 5}}, func(c *check.C) {
		if got := runtimeGOMAXPROCS(); got != c.GOMAXPROCS() {
			c.Errorf("GOMAXPROCS %d in run %d, want %d", got, c.Run(), c.GOMAXPROCS())
		}
	}).Must()
	if after := runtimeGOMAXPROCS(); after != before {
		t.Errorf("GOMAXPROCS %d after the check, was %d", after, before)
	}
}

// A goroutine that is still computing when the run returns, as a worker
// that has not had a CPU yet on a busy machine is, gets up to a second to
// end; one that computes for ever is a leak after that second.
func TestLeakGraceForMovingGoroutines(t *testing.T) {
	spin := func(d time.Duration) {
		for end := time.Now().Add(d); time.Now().Before(end); {
		}
	}
	r := check.Run("late worker", check.Options{Runs: 2, Procs: []int{2}}, func(c *check.C) {
		go spin(300 * time.Millisecond)
	})
	if !r.OK() {
		t.Errorf("a goroutine that ends 300 ms after its run counted as a leak:\n%v", r)
	}
	stop := make(chan struct{})
	defer close(stop)
	start := time.Now()
	r = check.Run("endless worker", check.Options{Runs: 2, Procs: []int{2}}, func(c *check.C) {
		go func() {
			for n := 0; ; n++ {
				if n%1024 == 0 && stopped(stop) {
					return
				}
			}
		}()
	})
	if r.Failed()[check.Leak] != 1 {
		t.Errorf("a goroutine that never ends is not reported as a leak:\n%v", r)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("finding the leak took %v", took)
	}
}

// stopped reports whether stop is closed.
func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}

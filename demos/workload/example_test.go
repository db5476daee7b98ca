package workload_test

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/conclab/conclab/demos"
	"github.com/conclab/conclab/demos/workload"
)

func ExampleCountdown() {
	// Two goroutines share the countdown, as two threads would.
	const count = 50_000_000
	rec := demos.Goroutines(2, func(t *demos.T) {
		t.Phase("cpu")
		t.SetResult(workload.Countdown(count / 2))
	})
	fmt.Println(rec.Tasks[0].Result, rec.Tasks[1].Result)
	// Output: 25000000 25000000
}

func ExampleFactorial() {
	f := workload.Factorial(50_000)
	fmt.Println(len(f.String()), "digits")
	fmt.Println(workload.Factorial(20))
	// Output:
	// 213237 digits
	// 2432902008176640000
}

func ExampleCountPrimes() {
	// Split a range among workers; the counts add up.
	ranges := [][2]int{{0, 25_000}, {25_000, 50_000}, {50_000, 75_000}, {75_000, 100_000}}
	counts, _, _ := demos.Map(context.Background(), 2, ranges, func(t *demos.T, r [2]int) (int, error) {
		return workload.CountPrimesIn(r[0], r[1]), nil
	})
	total := 0
	for _, c := range counts {
		total += c
	}
	fmt.Println(total, workload.CountPrimes(100_000))
	// Output: 9592 9592
}

func ExampleSpin() {
	rec := demos.Goroutines(2, func(t *demos.T) {
		t.Phase("cpu")
		_ = workload.Spin(5 * time.Millisecond) // the time is the point, not the value
	})
	fmt.Println(len(rec.Tasks), rec.Tasks[0].Duration() >= 5*time.Millisecond)
	// Output: 2 true
}

func ExampleWorkFor() {
	// The same amount of work in each goroutine: with GOMAXPROCS=1 the two
	// take turns on one core, and each spends part of its time waiting for
	// it, which Spin, stopping at a deadline, would hide.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	rec := demos.Goroutines(2, func(t *demos.T) {
		t.Phase("cpu")
		workload.WorkFor(20 * time.Millisecond)
	})
	for _, l := range rec.Figures().Lanes {
		fmt.Println(l.Lane, "waited for the core:", l.Time.Runnable() > 0)
	}
	// Output:
	// g0 waited for the core: true
	// g1 waited for the core: true
}

func ExampleServer() {
	srv, err := workload.NewServer(20 * time.Millisecond)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	// Download eight pages with four workers: the waits overlap.
	sizes, _, err := demos.Map(context.Background(), 4, srv.URLs(8), func(t *demos.T, url string) (int64, error) {
		t.Phase("io")
		status, n, err := workload.Fetch(t.Context(), url)
		if err == nil && status != 200 {
			err = fmt.Errorf("status %d", status)
		}
		return n, err
	})
	fmt.Println(sizes, err)
	fmt.Println(srv.Requests(), "requests, at most", srv.MaxInFlight() <= 4, "four at once")
	// Output:
	// [4096 4096 4096 4096 4096 4096 4096 4096] <nil>
	// 8 requests, at most true four at once
}

func ExampleFetch() {
	srv, err := workload.NewServer(0)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	for _, path := range []string{"/page/1?size=100", "/status/404"} {
		status, n, err := workload.Fetch(context.Background(), srv.URL+path)
		fmt.Println(path, status, n > 0, err)
	}
	// Output:
	// /page/1?size=100 200 true <nil>
	// /status/404 404 true <nil>
}

func ExampleSleep() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	err := workload.Sleep(ctx, time.Hour)
	fmt.Println(err)
	// Output: sleep 1h0m0s: context deadline exceeded
}

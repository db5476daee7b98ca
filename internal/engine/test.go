package engine

import (
	"strconv"
	"time"
)

// A Test asks for a cell to run as `go test` would (%test): the Test,
// Benchmark, Example and Fuzz (seed corpus) functions of the notebook, with
// these choices. The zero value runs the cell's own tests, or every test of
// the notebook when the cell declares none, without the race detector.
type Test struct {
	Run      string // -run: a regexp of the tests to run; "" lets the engine choose
	Bench    string // -bench: a regexp of the benchmarks to run; "" runs none unless the cell declares some
	Count    int    // -count: run each test and benchmark this many times; 0 is once
	CPU      []int  // -cpu: the GOMAXPROCS values to run them with
	Benchmem bool   // -benchmem: report allocations of benchmarks
	// Benchtime is -benchtime: how long each benchmark runs ("100ms") or
	// how many iterations ("500x"); "" is go test's default, 1s.
	Benchtime string
	Timeout   time.Duration // -timeout: panic after this long; 0 means none, so a deadlock is Go's own report
	Verbose   bool          // -v: show every test's progress, not only its output
	Short     bool          // -short: testing.Short() reports true
	Race      bool          // build and run with the race detector (on unless -race=false)
}

// Args are the test binary's flags for t (-test.run=..., ...), without
// -test.v, which the engine sets for test2json.
func (t *Test) Args() []string {
	var args []string
	if t.Run != "" {
		args = append(args, "-test.run="+t.Run)
	}
	if t.Bench != "" {
		args = append(args, "-test.bench="+t.Bench)
	}
	if t.Count > 0 {
		args = append(args, "-test.count="+strconv.Itoa(t.Count))
	}
	if len(t.CPU) > 0 {
		s := ""
		for i, n := range t.CPU {
			if i > 0 {
				s += ","
			}
			s += strconv.Itoa(n)
		}
		args = append(args, "-test.cpu="+s)
	}
	if t.Benchmem {
		args = append(args, "-test.benchmem")
	}
	if t.Benchtime != "" {
		args = append(args, "-test.benchtime="+t.Benchtime)
	}
	args = append(args, "-test.timeout="+t.Timeout.String())
	if t.Short {
		args = append(args, "-test.short")
	}
	return args
}

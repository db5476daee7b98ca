package workload

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// checkEvery is how many rounds Spin does between looks at the clock:
// often enough to stop within a few microseconds of the deadline, rarely
// enough that reading the clock costs nothing to speak of.
const checkEvery = 1 << 12

// Spin computes until d of wall-clock time has passed and returns a value
// computed from the work, so that it cannot be optimized away. It fixes the
// time, not the work: a goroutine that waits for a CPU while it spins still
// stops at its deadline, having done less. Use it where a fixed time is
// the point (a worker that stands for "busy for 40 ms, come what may"),
// and WorkFor where a fixed amount of work is.
func Spin(d time.Duration) uint64 {
	deadline := time.Now().Add(d)
	x := uint64(0x9E3779B97F4A7C15)
	for {
		for range checkEvery {
			x = mix(x)
		}
		if !time.Now().Before(deadline) {
			return x
		}
	}
}

// Work does a fixed amount of CPU work, rounds steps of an integer hash,
// and returns the result. The amount does not depend on the machine, so
// Work shows how long a given job takes, where Spin fixes the time. It is
// never inlined: inlined into a caller that drops the result, the
// compiler would leave out most of the work.
//
//go:noinline
func Work(rounds int) uint64 {
	x := uint64(0x9E3779B97F4A7C15)
	for range rounds {
		x = mix(x)
	}
	return x
}

// WorkFor does the amount of work (Work's rounds) that takes d on one idle
// core of this machine, and returns its result. The amount is fixed once
// the machine's speed is known (see Rounds): two goroutines sharing one
// core each take about 2d to finish it, where Spin would stop both at d.
func WorkFor(d time.Duration) uint64 { return Work(Rounds(d)) }

// Rounds is how many rounds of Work take d on one idle core of this
// machine. The machine's speed is measured once per machine and kept in
// the user's cache directory (a measurement takes about 10 ms: the
// fastest of several short runs, so that a busy moment does not make the
// work smaller); a program reads it when the package is initialized, so
// that the first call inside a run costs nothing.
func Rounds(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int(float64(d) * roundsPerNanosecond())
}

// calibrationRounds is the size of one timed run of Work; calibrationRuns
// how many are timed. 1<<20 rounds take a millisecond or two.
const (
	calibrationRounds = 1 << 20
	calibrationRuns   = 7
)

// roundsPerNanosecond is this machine's speed at Work.
var roundsPerNanosecond = sync.OnceValue(func() float64 {
	path := speedFile()
	if v, err := readSpeed(path); err == nil {
		return v
	}
	v := measureSpeed()
	if path != "" {
		_ = writeSpeed(path, v) // without a cache, every program measures
	}
	return v
})

func init() { roundsPerNanosecond() }

// measureSpeed times Work on this core: rounds per nanosecond.
func measureSpeed() float64 {
	best := time.Duration(1<<63 - 1)
	for range calibrationRuns {
		start := time.Now()
		sink.Store(Work(calibrationRounds))
		best = min(best, time.Since(start))
	}
	return calibrationRounds / float64(max(best, 1))
}

// sink keeps the calibration's results, so that its work cannot be
// optimized away.
var sink atomic.Uint64

// speedFile is where this machine's speed is kept: one file per kind of
// CPU and Go version, so that a home directory shared between machines,
// or a new compiler, never reuses another's figure. "" when there is no
// cache directory.
func speedFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%s/%s/%s", runtime.GOOS, runtime.GOARCH, runtime.Version(), cpuModel())
	return filepath.Join(dir, "conclab", fmt.Sprintf("workload-speed-%016x", h.Sum64()))
}

// cpuModel names the machine's CPU, where the system says.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// readSpeed reads a speed written by writeSpeed.
func readSpeed(path string) (float64, error) {
	if path == "" {
		return 0, errors.New("no cache")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
	if err != nil || !(v > 0 && v < 1e3) {
		return 0, fmt.Errorf("speed file %s: unreadable %q", path, b)
	}
	return v, nil
}

// writeSpeed keeps a speed for the programs that come later, replacing the
// file at once so that none ever reads half of it.
func writeSpeed(path string, v float64) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".speed-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := fmt.Fprintf(tmp, "%g\n", v); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// mix is one round of xorshift64*: a few cycles of arithmetic the compiler
// has to perform.
func mix(x uint64) uint64 {
	x ^= x >> 12
	x ^= x << 25
	x ^= x >> 27
	return x * 0x2545F4914F6CDD1D
}

// Countdown counts n down to zero one step at a time, the classic loop for
// comparing one worker with two, and returns the number of steps taken.
// Like Work, it is never inlined, so that every step is taken.
//
//go:noinline
func Countdown(n int) int {
	steps := 0
	for n > 0 {
		n--
		steps++
	}
	return steps
}

// Factorial computes n! exactly with math/big; n below 2 gives 1. Large n
// (tens of thousands) take a noticeable while: CPU-bound work with a result
// worth sending back from a child process.
func Factorial(n int) *big.Int {
	if n < 2 {
		return big.NewInt(1)
	}
	return new(big.Int).MulRange(2, int64(n))
}

// CountPrimes counts the primes below n by trial division: deliberately
// the slow way, so that the work grows with n and spreads evenly when a
// range is split among workers (see CountPrimesIn).
func CountPrimes(n int) int { return CountPrimesIn(0, n) }

// CountPrimesIn counts the primes p with lo <= p < hi by trial division.
func CountPrimesIn(lo, hi int) int {
	count := 0
	for p := max(lo, 2); p < hi; p++ {
		if isPrime(p) {
			count++
		}
	}
	return count
}

// isPrime tests p >= 2 by trial division.
func isPrime(p int) bool {
	if p < 4 {
		return true
	}
	if p%2 == 0 {
		return false
	}
	for d := 3; d*d <= p; d += 2 {
		if p%d == 0 {
			return false
		}
	}
	return true
}

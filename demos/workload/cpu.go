package workload

import (
	"math/big"
	"time"
)

// checkEvery is how many rounds Spin does between looks at the clock:
// often enough to stop within a few microseconds of the deadline, rarely
// enough that reading the clock costs nothing to speak of.
const checkEvery = 1 << 12

// Spin keeps one core busy with real arithmetic for about d and returns a
// value computed from the work, so that it cannot be optimized away.
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
// Work shows how long a given job takes, where Spin fixes the time.
func Work(rounds int) uint64 {
	x := uint64(0x9E3779B97F4A7C15)
	for range rounds {
		x = mix(x)
	}
	return x
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

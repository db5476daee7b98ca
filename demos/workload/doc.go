// Package workload is the work the demos run: CPU-bound work that really
// computes (for a duration, for a number of rounds, the countdown loop,
// factorials of big numbers, counting primes) and I/O-bound work that
// really waits (sleeping, and HTTP downloads from a local server with a
// configurable latency, the offline stand-in for fetching web pages).
//
// Everything here is plain Go with deterministic results where the work
// has one, so the same call gives the same answer in a goroutine, a pool
// worker or a child process.
package workload

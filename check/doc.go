// Package check grades notebook exercises on concurrency so that a lucky run
// cannot pass a wrong answer.
//
// One run of concurrent code proves little: a racy counter is often right,
// a pool that ignores its bound may not exceed it this time, a deadlock may
// need an unlucky schedule. Run calls an exercise's check many times, with
// GOMAXPROCS cycling over several values, each run under a deadline, and
// fails the answer when any run
//
//   - reports a wrong result (C.Errorf),
//   - panics,
//   - does not finish in time (every goroutine of the run blocked: a
//     deadlock; otherwise too slow or endless), naming where each waits,
//   - leaves goroutines behind (a leak), naming where they wait,
//   - or, with Options.Race, races: the race detector (build the cell
//     with %race, or go test -race) finds a data race whatever the
//     schedule, and without the detector the check fails and says so.
//
// Places are named as the notebook shows them ("line 7", "cell [3] line
// 4"). A Report says how many runs failed and how; in a graded cell,
// Report.Must fails the cell when the check failed.
//
// Gauge counts how many goroutines are inside a stretch of code at once, to
// check a bound ("at most 3 workers"), the way a teacher would watch a pool.
package check

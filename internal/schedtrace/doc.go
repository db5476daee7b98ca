// Package schedtrace reads a Go execution trace (runtime/trace, parsed with
// golang.org/x/exp/trace) into the scheduler's story of a run: what each P
// ran and when, what each goroutine was doing (running, runnable, or blocked
// on a channel, a select, a lock, a system call, a sleep, the GC), and a
// summary (goroutines created, most runnable at once, time blocked by
// reason). View turns it into a plots.SchedView, folding goroutines beyond a
// lane budget into one aggregate lane, so that even a trace of thousands of
// goroutines draws as a readable picture.
//
// %trace uses it to show the scheduler view of a compiled cell under the
// cell, the picture `go tool trace` opens in a browser of its own.
package schedtrace

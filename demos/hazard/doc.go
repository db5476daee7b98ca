// Package hazard stages the classic failures of concurrent programs, each
// as a bounded run that returns a demos.Recording: a data race that loses
// updates, a deadlock between two locks, a livelock between two polite
// workers, and the starvation of a polite worker by a greedy one.
//
// None of them can hang a notebook: the deadlock is found by a timeout and
// then broken, the livelock gives up after a number of rounds, and the
// starvation runs for a fixed time. When they return, every goroutine they
// started has ended.
//
// The recordings explain themselves: tasks carry phases such as "wait
// lock" and "hold lock", Notes say what went wrong in words ("g0 holds
// lock 1 and waits for lock 2, held by g1"), and Values count it
// ("expected", "got", "lost").
package hazard

// Package demos runs goroutines, worker pools, child processes and external
// commands while recording who ran what and when, so that notebooks can show
// concurrency as it happened.
//
// Every runner returns a *Recording: one Task per unit of work, each on a
// lane (a goroutine, a pool worker, a process id), with the phases and marks
// the work reported about itself, plus wall time, CPU time and the machine's
// figures for the whole run. Recordings print a text summary (String), save
// and load as JSON, and are what package plots draws.
//
// A recording also says what really ran, which the work cannot know about
// itself: a goroutine that spins until a deadline looks busy even while it
// waits for a CPU. For runs in this process, each task's goroutines (its
// own and those it starts) have their states from the Go runtime's
// execution trace (Task.Goroutines): running, runnable (waiting for a P),
// or blocked on a channel, a select, a lock, a system call, a sleep, the
// GC. For processes and external commands, each OS thread's time on a CPU,
// waiting for one, and blocked is sampled from /proc every 2 ms
// (Task.Threads). The trace comes from the runtime's flight recorder, which
// runs beside runtime/trace.Start, so %trace and go test -trace still work.
//
// The figures of a run (Figures) each mean one thing: parallelism is CPU
// time / wall time (cores busy on average); concurrency is busy time /
// wall time (tasks under way on average, waiting included); peak running
// is the most goroutines running (each holding one of the scheduler's Ps)
// or threads on a CPU at once, never more than GOMAXPROCS or the cores.
// Speedup compares two runs (Compare, Sweep.Speedup); a single run
// has none.
//
// Work reports on itself through a *T handle:
//
//	rec := demos.Goroutines(4, func(t *demos.T) {
//		t.Phase("wait lock")
//		mu.Lock()
//		t.Phase("hold lock")
//		counter++
//		mu.Unlock()
//	})
//	fmt.Println(rec)
//
// The runners:
//
//   - Goroutines, Concurrent and Serial run functions in this process;
//   - Map and ForEach are bounded, cancellable worker pools (Map keeps the
//     results in job order; ForEach has no type parameters, for
//     interpreters that cannot instantiate generic functions);
//   - Func registers a function that Proc.Run, Proc.Pool and Proc.Start run
//     in child processes made by re-executing the current program;
//   - Commands runs external programs and records their exit status, CPU
//     time and peak memory;
//   - RunSweep repeats a run over worker counts for speedup curves, and
//     Compare compares a run with a baseline;
//   - Recorder records tasks of any shape, for code that starts its own
//     goroutines.
//
// Subpackages hold what the runners run: workload (CPU- and I/O-bound work,
// a local HTTP server with latency), ipc (pipes, queues, shared memory and a
// server process between processes) and hazard (data race, deadlock,
// livelock and starvation, each bounded so that it never hangs).
//
// demos knows nothing of Jupyter: it works the same under go run, go test
// and in notebook cells.
package demos

// Kinds of runs, as found in Recording.Kind.
const (
	KindGoroutines  = "goroutines"
	KindSerial      = "serial"
	KindPool        = "pool"
	KindProcesses   = "processes"
	KindProcessPool = "process pool"
	KindCommands    = "commands"
	KindRecorder    = "recorder"
)

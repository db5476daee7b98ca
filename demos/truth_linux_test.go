//go:build linux

package demos_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/conclab/conclab/demos"
	"github.com/conclab/conclab/demos/workload"
)

// burn is a CPU-bound function for child processes: a fixed amount of work.
var burn = demos.Func("test.burn", func(ms int) uint64 { return workload.WorkFor(time.Duration(ms) * time.Millisecond) })

// sampledRunning sums a task's threads' running and runnable time.
func sampledRunning(t demos.Task) (run, wait time.Duration) {
	for _, th := range t.Threads {
		for _, s := range th.Samples {
			run += s.Running
			wait += s.Runnable
		}
	}
	return run, wait
}

func TestTruthChildProcessesOnTheCores(t *testing.T) {
	// Twice as many CPU-bound children as cores: never more than the
	// cores run at once, and each waits for one a good part of its time.
	cores := runtime.NumCPU()
	args := make([]int, 2*cores)
	for i := range args {
		args[i] = 80
	}
	_, rec, err := burn.Run(context.Background(), args)
	if err != nil {
		t.Fatal(err)
	}
	if rec.StateSource == "" {
		t.Fatalf("no states: %v", rec.Notes)
	}
	f := rec.Figures()
	if f.PeakRunning > float64(cores)+0.05 {
		t.Errorf("peak running %.2f on %d cores", f.PeakRunning, cores)
	}
	var total time.Duration
	for _, task := range rec.Tasks {
		run, wait := sampledRunning(task)
		total += run
		if wait < task.Duration()/10 {
			t.Errorf("%s ran %v and waited only %v of its %v", task.Lane, run, wait, task.Duration())
		}
	}
	// The samples account for the children's CPU time, which rusage counts
	// exactly: at least the functions' own (Task.CPU), at most what the
	// children and this process used in all (Recording.CPU), each within a
	// sampling interval or two per child.
	var funcs time.Duration
	for _, task := range rec.Tasks {
		funcs += task.CPU
	}
	if total < funcs*9/10 || total > rec.CPU*11/10 {
		t.Errorf("samples say the children ran %v; their functions used %v, the whole run %v", total, funcs, rec.CPU)
	}
}

// python runs Python programs as recorded commands, at once. It runs the
// interpreter itself, not a wrapper script (pyenv's shims are shell
// scripts whose own start would be half of what is measured).
func python(t *testing.T, programs ...string) *demos.Recording {
	t.Helper()
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		t.Skipf("no python3: %v", err)
	}
	py := strings.TrimSpace(string(out))
	var cmds []*exec.Cmd
	for _, p := range programs {
		cmds = append(cmds, exec.Command(py, "-c", p))
	}
	rec, err := demos.Commands(context.Background(), 0, cmds...)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

const countdown = "def count(n):\n    while n > 0:\n        n -= 1\n"

func TestTruthPythonThreadsTakeTurns(t *testing.T) {
	// Two threads counting down in one CPython process hold the GIL in
	// turns: together they use about one core, and while one runs the
	// other is blocked (waiting for the GIL), not waiting for a CPU.
	prog := countdown + "import threading\n" +
		"ts = [threading.Thread(target=count, args=(3_000_000,)) for _ in range(2)]\n" +
		"[t.start() for t in ts]\n[t.join() for t in ts]\n"
	rec := python(t, prog)
	task := rec.Tasks[0]
	var run, demand time.Duration
	var runs []time.Duration
	for _, th := range task.Threads {
		r, w := sampledRunning(demos.Task{Threads: []demos.Thread{th}})
		run += r
		demand += r + w
		runs = append(runs, r)
	}
	slices.Sort(runs)
	if len(runs) < 2 || runs[len(runs)-2] < run/5 {
		t.Errorf("running per thread %v: want two threads sharing the work", runs)
	}
	d := float64(task.Duration())
	if cores := float64(run) / d; cores > 1.1 {
		t.Errorf("the threads used %.2f cores together under the GIL", cores)
	}
	if wanted := float64(demand) / d; wanted > 1.5 {
		t.Errorf("the threads were running or waiting for a CPU %.2f at a time on average: the GIL lets one want it", wanted)
	}
	if f := rec.Figures(); f.PeakRunning > 1.25 {
		t.Errorf("peak running %.2f over %v for threads that take turns", f.PeakRunning, f.PeakWindow)
	}
}

func TestTruthPythonProcessesRunAtOnce(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("one core")
	}
	// The same work in two processes: each has a GIL of its own, so both
	// want a CPU all the time, and run at once on two cores, unless other
	// programs take the cores (they only turn running into waiting).
	one := countdown + "count(3_000_000)\n"
	rec := python(t, one, one)
	var run, demand time.Duration
	for _, task := range rec.Tasks {
		r, w := sampledRunning(task)
		run, demand = run+r, demand+r+w
	}
	wall := float64(rec.Wall)
	if wanted := float64(demand) / wall; wanted < 1.7 {
		t.Errorf("two processes were running or waiting for a CPU only %.2f at a time on average", wanted)
	}
	if cores := float64(run) / wall; cores < 1.6 {
		t.Logf("two processes ran on %.2f cores together: other programs had the rest", cores)
	}
}

func TestTruthRunningMatchesCPUTime(t *testing.T) {
	// The Go scheduler counts a goroutine running while it holds a P; the
	// OS may still make its thread wait for a core when other programs
	// compete. Running time summed over the lanes is the process's CPU
	// time, within 10%, then; on a busy machine it can only be more.
	var rec *demos.Recording
	wait0 := selfRunQueueWait(t)
	withGOMAXPROCS(2, func() {
		rec = demos.Goroutines(4, func(t *demos.T) { workload.WorkFor(30 * time.Millisecond) })
	})
	osWait := selfRunQueueWait(t) - wait0
	run := rec.Figures().Time.Running()
	d := float64(run-rec.CPU) / float64(rec.CPU)
	switch {
	case d < -0.1:
		t.Errorf("running summed over lanes %v, less than the process's CPU time %v", run, rec.CPU)
	case d > 0.1 && osWait < rec.Wall/20:
		t.Errorf("running summed over lanes %v, process CPU time %v: %.0f%% more, and the OS made the threads wait only %v", run, rec.CPU, 100*d, osWait)
	case d > 0.1:
		t.Logf("running %v against CPU time %v: the OS made this process's threads wait %v for a core", run, rec.CPU, osWait)
	}
}

// selfRunQueueWait is how long this process's threads have waited for a
// core, from the kernel's counters.
func selfRunQueueWait(t *testing.T) time.Duration {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	var sum time.Duration
	for _, e := range entries {
		b, err := os.ReadFile("/proc/self/task/" + e.Name() + "/schedstat")
		if err != nil {
			continue
		}
		var run, wait int64
		if _, err := fmt.Sscan(string(b), &run, &wait); err == nil {
			sum += time.Duration(wait)
		}
	}
	return sum
}

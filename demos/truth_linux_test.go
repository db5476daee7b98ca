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

// active is the stretch of a thread's samples from the first to the last
// in which it ran, and what it did there.
func active(th demos.Thread) (window, run, wait time.Duration) {
	first, last := -1, -1
	for i, s := range th.Samples {
		if s.Running > 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return 0, 0, 0
	}
	for _, s := range th.Samples[first : last+1] {
		run += s.Running
		wait += s.Runnable
	}
	return th.Samples[last].End - th.Samples[first].Start, run, wait
}

func TestTruthPythonThreadsTakeTurns(t *testing.T) {
	// Two threads counting down in one CPython process hold the GIL in
	// turns: together they use about one core, and while one runs the
	// other is blocked, waiting for the GIL, not for a CPU.
	prog := countdown + "import threading\n" +
		"ts = [threading.Thread(target=count, args=(3_000_000,)) for _ in range(2)]\n" +
		"[t.start() for t in ts]\n[t.join() for t in ts]\n"
	rec := python(t, prog)
	task := rec.Tasks[0]
	threads := slices.Clone(task.Threads)
	slices.SortFunc(threads, func(a, b demos.Thread) int {
		_, ra, _ := active(a)
		_, rb, _ := active(b)
		return int(rb - ra)
	})
	if len(threads) < 3 {
		t.Fatalf("%d threads: want the main thread and the two counting", len(threads))
	}
	var run time.Duration
	for _, th := range threads {
		_, r, _ := active(th)
		run += r
	}
	if cores := float64(run) / float64(task.Duration()); cores > 1.1 {
		t.Errorf("the threads used %.2f cores together under the GIL", cores)
	}
	for _, th := range threads[:2] {
		if _, r, _ := active(th); r < run/5 {
			t.Errorf("thread %d ran %v of the %v the threads ran: not one of two sharing the work", th.TID, r, run)
		}
	}
	if f := rec.Figures(); f.PeakRunning > 1.25 {
		t.Errorf("peak running %.2f over %v for threads that take turns", f.PeakRunning, f.PeakWindow)
	}
}

func TestTruthPythonProcessesRunAtOnce(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("one core")
	}
	// The same work in two processes: each has a GIL of its own, so each
	// wants a CPU all the time it counts, and both run at once on two
	// cores, unless other programs take the cores (which only turns
	// running into waiting).
	one := countdown + "count(3_000_000)\n"
	rec := python(t, one, one)
	var run, wait, window time.Duration
	for _, task := range rec.Tasks {
		for _, th := range task.Threads {
			win, r, w := active(th)
			run, wait, window = run+r, wait+w, max(window, win)
			if r > 0 && float64(r+w)/float64(win) < 0.9 {
				t.Errorf("%s wanted a CPU only %.0f%% of the time it was counting", task.Lane, 100*float64(r+w)/float64(win))
			}
		}
	}
	// Given the cores, they run on two at once. When other programs
	// held the cores, the processes waited for them instead, and the
	// counters say so.
	// Turns under one lock would be about 1 core; 1.5 leaves room for the
	// tick the /proc counters lag by, and for other programs' share of
	// the cores that the run-queue counter only partly shows (a test
	// binary under -race beside other packages' tests).
	cores := float64(run) / float64(window)
	switch {
	case wait < run/10 && cores < 1.5:
		t.Errorf("two processes that hardly waited for a CPU ran on %.2f cores together", cores)
	case cores < 1.7:
		t.Logf("two processes ran on %.2f cores together and waited %v for one: other programs had the cores", cores, wait)
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

// A command that is over before the sampler first reads it still shows
// what it did: its counters count from zero since it was started.
func TestTruthShortCommandHasStates(t *testing.T) {
	rec, err := demos.Commands(context.Background(), 0, exec.Command("true"))
	if err != nil {
		t.Skipf("no true: %v", err)
	}
	task := rec.Tasks[0]
	if st := task.StateTimes(); st.Running() <= 0 {
		t.Errorf("a %v command shows no running: %v (%d threads)", task.Duration(), st, len(task.Threads))
	}
}

// envFirstGC runs TestTruthFirstGCWorkersAreNotTheTasks's child side.
const envFirstGC = "CONCLAB_TEST_FIRST_GC"

// The runtime starts its GC workers at a process's first collection, from
// the goroutine that started it: when that goroutine is a task's, the
// workers are not the task's goroutines, nor do they run for it. A fresh
// process is needed for a first collection.
func TestTruthFirstGCWorkersAreNotTheTasks(t *testing.T) {
	if os.Getenv(envFirstGC) != "" {
		rec := demos.Serial(1, func(*demos.T) { runtime.GC() })
		fmt.Printf("goroutines=%d peak=%v\n", len(rec.Tasks[0].Goroutines), rec.Figures().PeakRunning)
		return
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestTruthFirstGCWorkersAreNotTheTasks$")
	cmd.Env = append(os.Environ(), envFirstGC+"=1", "GOGC=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(string(out), "goroutines=1 peak=1\n") {
		t.Errorf("a task that ran the first GC holds the GC's workers:\n%s", out)
	}
}

//go:build linux

package demos_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/conclab/conclab/demos"
)

// Functions run by the tests' child processes. They are registered at
// package level, as Func requires; a child test binary runs one of them
// during package initialization and exits before any test starts.
var (
	cube = demos.Func("test.cube", func(x int) int { return x * x * x })

	whoAmI = demos.Func("test.whoami", func(struct{}) int { return os.Getpid() })

	phased = demos.FuncT("test.phased", func(t *demos.T, n int) (string, error) {
		t.Phase("cpu")
		f := new(big.Int).MulRange(1, int64(n))
		t.Mark("computed")
		t.Phase("format")
		return fmt.Sprintf("%d! has %d digits", n, len(f.String())), nil
	})

	failing = demos.FuncT("test.failing", func(t *demos.T, x int) (int, error) {
		switch {
		case x < 0:
			return 0, fmt.Errorf("negative argument %d", x)
		case x == 13:
			panic("unlucky")
		case x == 99:
			os.Exit(9) // the child dies without replying
		}
		return x, nil
	})

	// untilStopped runs until its parent stops it, then says how long it
	// waited; it never returns on its own.
	untilStopped = demos.FuncT("test.untilstopped", func(t *demos.T, _ struct{}) (string, error) {
		t.Phase("wait")
		<-t.Context().Done()
		return "stopped: " + context.Cause(t.Context()).Error(), nil
	})

	// stubborn ignores its context: only a kill ends it.
	stubborn = demos.Func("test.stubborn", func(struct{}) int {
		for {
			time.Sleep(time.Hour)
		}
	})
)

func TestProcRunResultsFromChildren(t *testing.T) {
	defer checkGoroutines(t)()
	args := []int{1, 2, 3, 4, 5}
	got, rec, err := cube.Run(context.Background(), args)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if want := []int{1, 8, 27, 64, 125}; !slices.Equal(got, want) {
		t.Errorf("results = %v, want %v", got, want)
	}
	if rec.Kind != demos.KindProcesses || rec.Workers != len(args) || len(rec.Tasks) != len(args) {
		t.Fatalf("recording kind %q, workers %d, %d tasks", rec.Kind, rec.Workers, len(rec.Tasks))
	}
	pids := map[int]bool{}
	for i, task := range rec.Tasks {
		if task.ID != i || task.PID == 0 || task.PID == os.Getpid() {
			t.Errorf("task %d: id %d pid %d (parent %d)", i, task.ID, task.PID, os.Getpid())
		}
		if task.Lane != fmt.Sprintf("pid %d", task.PID) {
			t.Errorf("task %d lane %q, pid %d", i, task.Lane, task.PID)
		}
		pids[task.PID] = true
		if task.Result != fmt.Sprint(got[i]) {
			t.Errorf("task %d result %q, want %d", i, task.Result, got[i])
		}
		if len(task.Phases) == 0 || task.Phases[0].Name != "spawn" {
			t.Errorf("task %d phases %v, want spawn first", i, task.Phases)
		}
		if task.Status != "exit status 0" || task.ExitCode != 0 {
			t.Errorf("task %d status %q code %d", i, task.Status, task.ExitCode)
		}
		if task.End < task.Start {
			t.Errorf("task %d ends before it starts: %v", i, task)
		}
	}
	if len(pids) != len(args) {
		t.Errorf("%d distinct child pids for %d arguments", len(pids), len(args))
	}
	if rec.CPU <= 0 {
		t.Errorf("recording CPU %v, want the children's CPU time", rec.CPU)
	}
}

func TestProcChildIsAnotherProcess(t *testing.T) {
	got, _, err := whoAmI.Run(context.Background(), []struct{}{{}, {}})
	if err != nil {
		t.Fatal(err)
	}
	if got[0] == os.Getpid() || got[1] == os.Getpid() || got[0] == got[1] {
		t.Errorf("children report pids %v, parent is %d", got, os.Getpid())
	}
}

func TestProcPoolReusesProcesses(t *testing.T) {
	defer checkGoroutines(t)()
	args := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	got, rec, err := cube.Pool(context.Background(), 2, args)
	if err != nil {
		t.Fatalf("Pool: %v", err)
	}
	for i, x := range args {
		if got[i] != x*x*x {
			t.Errorf("result %d = %d, want %d", i, got[i], x*x*x)
		}
	}
	// Usually both processes get jobs; on a busy machine one may have
	// done them all before the other claimed any.
	lanes := rec.Lanes()
	if len(lanes) < 1 || len(lanes) > 2 {
		t.Errorf("lanes %v, want at most 2 processes for 10 jobs", lanes)
	}
	spawns := 0
	for _, task := range rec.Tasks {
		if len(task.Phases) > 0 && task.Phases[0].Name == "spawn" {
			spawns++
		}
	}
	if spawns != len(lanes) {
		t.Errorf("%d tasks include a spawn, want one per process (%d)", spawns, len(lanes))
	}
	if rec.Kind != demos.KindProcessPool {
		t.Errorf("kind %q", rec.Kind)
	}
}

func TestProcPhasesCrossToParent(t *testing.T) {
	got, rec, err := phased.Run(context.Background(), []int{2000})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got[0], "2000! has 5736 digits") {
		t.Errorf("result %q", got[0])
	}
	task := rec.Tasks[0]
	var names []string
	for _, p := range task.Phases {
		names = append(names, p.Name)
		if p.Start < task.Start || p.End > task.End || p.End < p.Start {
			t.Errorf("phase %v outside task %v..%v", p, task.Start, task.End)
		}
	}
	if want := []string{"spawn", "cpu", "format"}; !slices.Equal(names, want) {
		t.Errorf("phases %v, want %v", names, want)
	}
	for i := 1; i < len(task.Phases); i++ {
		if task.Phases[i].Start < task.Phases[i-1].End {
			t.Errorf("phases overlap: %v", task.Phases)
		}
	}
	if len(task.Marks) != 1 || task.Marks[0].Name != "computed" {
		t.Errorf("marks %v", task.Marks)
	}
	if m := task.Marks[0].At; m < task.Phases[1].Start || m > task.Phases[2].Start {
		t.Errorf("mark at %v, not between cpu %v and format %v", m, task.Phases[1].Start, task.Phases[2].Start)
	}
	if task.MaxRSS <= 0 {
		t.Errorf("max RSS %d", task.MaxRSS)
	}
}

func TestProcErrors(t *testing.T) {
	defer checkGoroutines(t)()
	args := []int{1, -2, 13, 99, 5}
	got, rec, err := failing.Pool(context.Background(), 2, args)
	if err == nil {
		t.Fatal("Pool: no error for failing arguments")
	}
	for _, want := range []string{"argument 1: negative argument -2", "argument 2: panic: unlucky", "argument 3: pid"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if got[0] != 1 || got[4] != 5 {
		t.Errorf("results %v: the good arguments must still succeed", got)
	}
	if len(rec.Tasks) != len(args) || len(rec.Failed()) != 3 {
		t.Errorf("%d tasks, %d failed: %v", len(rec.Tasks), len(rec.Failed()), rec.Failed())
	}
	dead := rec.Tasks[3]
	if dead.ExitCode != 9 || dead.Status != "exit status 9" {
		t.Errorf("dead child's task: code %d status %q", dead.ExitCode, dead.Status)
	}
}

func TestProcStartStopWait(t *testing.T) {
	defer checkGoroutines(t)()
	p, err := untilStopped.Start(context.Background(), struct{}{})
	if err != nil {
		t.Fatal(err)
	}
	if p.PID() == 0 || p.PID() == os.Getpid() {
		t.Fatalf("pid %d", p.PID())
	}
	p.Stop()
	got, err := p.Wait()
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if !strings.Contains(got, "the parent stopped the child") {
		t.Errorf("result %q", got)
	}
	task := p.Task()
	if task.PID != p.PID() || task.Status != "exit status 0" {
		t.Errorf("task %+v", task)
	}
}

func TestProcKill(t *testing.T) {
	defer checkGoroutines(t)()
	p, err := stubborn.Start(context.Background(), struct{}{})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Wait(); err == nil || !strings.Contains(err.Error(), "killed") {
		t.Errorf("Wait after Kill: %v", err)
	}
	if alive(p.PID()) {
		t.Errorf("pid %d still alive after Kill", p.PID())
	}
}

func TestProcCancelKillsStubbornChildren(t *testing.T) {
	defer checkGoroutines(t)()
	ctx, cancel := context.WithCancel(context.Background())
	p, err := stubborn.Start(ctx, struct{}{})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := p.Wait(); err == nil {
		t.Error("Wait: a canceled stubborn child must fail")
	}
	if alive(p.PID()) {
		t.Errorf("pid %d outlived its context", p.PID())
	}
}

func TestProcRunCanceled(t *testing.T) {
	defer checkGoroutines(t)()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, rec, err := cube.Pool(ctx, 2, []int{1, 2, 3})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	if len(rec.Tasks) != 0 {
		t.Errorf("%d tasks ran after cancel", len(rec.Tasks))
	}
}

func TestFuncInsideFunctionIsRefused(t *testing.T) {
	late := demos.Func("test.late", func(x int) int { return x })
	if late.Err() == nil {
		t.Fatal("Func inside a function: no error")
	}
	if !strings.Contains(late.Err().Error(), "package level") {
		t.Errorf("error %q does not say what to do", late.Err())
	}
	_, rec, err := late.Run(context.Background(), []int{1})
	if !errors.Is(err, late.Err()) {
		t.Errorf("Run: %v, want the registration error", err)
	}
	if rec == nil || len(rec.Tasks) != 0 || len(rec.Notes) != 1 || !strings.HasPrefix(rec.Notes[0], "not run: ") {
		t.Errorf("recording of a run that could not start: %+v", rec)
	}
	if _, err := late.Start(context.Background(), 1); err == nil {
		t.Error("Start: no error")
	}
}

func TestProcEmptyArgs(t *testing.T) {
	got, rec, err := cube.Run(context.Background(), nil)
	if err != nil || len(got) != 0 || len(rec.Tasks) != 0 {
		t.Errorf("Run(nil) = %v, %d tasks, %v", got, len(rec.Tasks), err)
	}
}

// alive reports whether pid still runs, allowing it a moment to die. A
// zombie counts as dead: it has ended and only waits for whoever adopted
// it (here, often a slow init) to collect it.
func alive(pid int) bool {
	for range 100 {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return false
		}
		// The state follows the command, which is in parentheses.
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// spawner starts a shell that starts a long sleep in the background, writes
// the sleep's pid to the file it was given, and then waits for ever: the
// sleep is a grandchild in the child's process group.
var spawner = demos.Func("test.spawner", func(pidFile string) int {
	cmd := exec.Command("sh", "-c", `sleep 300 & echo $! > "$0"; wait`, pidFile)
	cmd.Run()
	return 0
})

func TestProcCancelEndsGrandchildren(t *testing.T) {
	defer checkGoroutines(t)()
	pidFile := filepath.Join(t.TempDir(), "pid")
	ctx, cancel := context.WithCancel(context.Background())
	p, err := spawner.Start(ctx, pidFile)
	if err != nil {
		t.Fatal(err)
	}
	grandchild := waitForPid(t, pidFile)
	cancel()
	p.Wait()
	if alive(grandchild) {
		syscall.Kill(grandchild, syscall.SIGKILL)
		t.Errorf("grandchild %d outlived the canceled run", grandchild)
	}
}

// TestChildDiesWithParent runs this test binary as a parent that starts a
// child and then is killed: the child must die with it.
func TestChildDiesWithParent(t *testing.T) {
	if os.Getenv("DEMOS_TEST_ROLE") == "parent" {
		p, err := stubborn.Start(context.Background(), struct{}{})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println(p.PID())
		for {
			time.Sleep(time.Hour) // until killed
		}
	}
	parent := exec.Command(os.Args[0], "-test.run=^TestChildDiesWithParent$")
	parent.Env = append(os.Environ(), "DEMOS_TEST_ROLE=parent")
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	var child int
	if _, err := fmt.Fscan(out, &child); err != nil {
		parent.Process.Kill()
		parent.Wait()
		t.Fatalf("read the child's pid: %v", err)
	}
	parent.Process.Kill()
	parent.Wait()
	if alive(child) {
		syscall.Kill(child, syscall.SIGKILL)
		t.Errorf("child %d outlived its killed parent", child)
	}
}

// waitForPid reads a pid from file once something has written it.
func waitForPid(t *testing.T, file string) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(file); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				return pid
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no pid in %s", file)
	return 0
}

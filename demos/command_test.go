//go:build linux

package demos_test

import (
	"bufio"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/conclab/conclab/demos"
)

func TestCommandsExitStatus(t *testing.T) {
	defer checkGoroutines(t)()
	rec, err := demos.Commands(context.Background(), 0,
		exec.Command("sh", "-c", "exit 3"),
		exec.Command("sh", "-c", "echo hello; echo noise >&2"),
		exec.Command("sh", "-c", "echo something broke >&2; exit 1"),
	)
	if err == nil {
		t.Fatal("no error for failing commands")
	}
	if rec.Kind != demos.KindCommands || len(rec.Tasks) != 3 {
		t.Fatalf("kind %q, %d tasks", rec.Kind, len(rec.Tasks))
	}
	tests := []struct {
		code           int
		status, result string
		err            string
	}{
		{3, "exit status 3", "", "exit status 3"},
		{0, "exit status 0", "hello", ""},
		{1, "exit status 1", "", "exit status 1: something broke"},
	}
	for i, tt := range tests {
		task := rec.Tasks[i]
		if task.ExitCode != tt.code || task.Status != tt.status || task.Result != tt.result || task.Err != tt.err {
			t.Errorf("task %d: code %d status %q result %q err %q, want %+v", i, task.ExitCode, task.Status, task.Result, task.Err, tt)
		}
		if task.PID == 0 || task.Lane != "pid "+itoa(task.PID) || task.MaxRSS <= 0 || task.End < task.Start {
			t.Errorf("task %d: pid %d lane %q max RSS %d times %v..%v", i, task.PID, task.Lane, task.MaxRSS, task.Start, task.End)
		}
	}
	if !strings.Contains(err.Error(), "command 0 (sh -c exit 3): exit status 3") {
		t.Errorf("error %q", err)
	}
}

func TestCommandsRecordCPU(t *testing.T) {
	rec, err := demos.Commands(context.Background(), 1,
		exec.Command("sh", "-c", "i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done"))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Tasks[0].CPU <= 0 || rec.CPU < rec.Tasks[0].CPU {
		t.Errorf("task CPU %v, recording CPU %v", rec.Tasks[0].CPU, rec.CPU)
	}
}

func TestCommandsLimit(t *testing.T) {
	var cmds []*exec.Cmd
	for range 4 {
		cmds = append(cmds, exec.Command("true"))
	}
	rec, err := demos.Commands(context.Background(), 1, cmds...)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range rec.Tasks {
		for j, b := range rec.Tasks {
			if i < j && a.Start < b.End && b.Start < a.End {
				t.Errorf("with limit 1, commands %d and %d overlap: %v..%v and %v..%v", i, j, a.Start, a.End, b.Start, b.End)
			}
		}
	}
	if rec.Workers != 1 {
		t.Errorf("workers %d", rec.Workers)
	}
}

func TestCommandsCancelKills(t *testing.T) {
	defer checkGoroutines(t)()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.Command("sh", "-c", "echo started; sleep 30")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		bufio.NewReader(out).ReadString('\n') // the command runs
		cancel()
	}()
	rec, err := demos.Commands(ctx, 0, cmd)
	if err == nil {
		t.Fatal("no error for a killed command")
	}
	if task := rec.Tasks[0]; task.Status != "signal: killed" || task.ExitCode != -1 {
		t.Errorf("status %q code %d", task.Status, task.ExitCode)
	}
}

func TestCommandsMissingProgram(t *testing.T) {
	rec, err := demos.Commands(context.Background(), 0, exec.Command("/nonexistent/program"))
	if !errors.Is(err, exec.ErrNotFound) && (err == nil || !strings.Contains(err.Error(), "no such file")) {
		t.Errorf("error %v", err)
	}
	if task := rec.Tasks[0]; task.Err == "" || task.Lane != "command 0" || task.PID != 0 {
		t.Errorf("task %+v", task)
	}
}

func TestCommandsNotStartedAfterCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec, err := demos.Commands(ctx, 0, exec.Command("true"))
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(rec.Tasks[0].Err, "not started") {
		t.Errorf("error %v, task %+v", err, rec.Tasks[0])
	}
}

func TestCommandsRunPython(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	script := "import sys\nn = int(sys.argv[1])\nprint(sum(i * i for i in range(n)))\n"
	var cmds []*exec.Cmd
	for _, n := range []string{"10", "1000"} {
		cmds = append(cmds, exec.Command(python, "-c", script, n))
	}
	rec, err := demos.Commands(context.Background(), 2, cmds...)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Tasks[0].Result != "285" || rec.Tasks[1].Result != "332833500" {
		t.Errorf("results %q and %q", rec.Tasks[0].Result, rec.Tasks[1].Result)
	}
	for _, task := range rec.Tasks {
		if task.CPU <= 0 || task.MaxRSS < 1<<20 {
			t.Errorf("python task: CPU %v, max RSS %d", task.CPU, task.MaxRSS)
		}
	}
}

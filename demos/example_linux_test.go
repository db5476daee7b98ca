//go:build linux

package demos_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"

	"github.com/conclab/conclab/demos"
)

// square runs in child processes. It is registered at package level, which
// is what lets a child find it: no if-guard in main is needed.
var square = demos.Func("example.square", func(x int) int { return x * x })

// sumTo records two phases inside each child process.
var sumTo = demos.FuncT("example.sumto", func(t *demos.T, n int) (int, error) {
	t.Phase("cpu")
	sum := 0
	for i := 1; i <= n; i++ {
		sum += i
	}
	t.Phase("report")
	return sum, nil
})

func ExampleFunc() {
	results, rec, err := square.Run(context.Background(), []int{1, 2, 3, 4})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(results)
	fmt.Println(rec.Kind, len(rec.Lanes()), "processes")
	fmt.Println(rec.Tasks[0].Phases[0].Name, strings.HasPrefix(rec.Tasks[0].Lane, "pid "))
	// Output:
	// [1 4 9 16]
	// processes 4 processes
	// spawn true
}

func ExampleProc_Pool() {
	sums, rec, err := sumTo.Pool(context.Background(), 2, []int{10, 100, 1000, 10000})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sums)
	fmt.Println(len(rec.Tasks), "jobs, at most two processes:", len(rec.Lanes()) <= 2)
	var phases []string
	for _, p := range rec.Tasks[0].Phases {
		phases = append(phases, p.Name)
	}
	fmt.Println(phases)
	// Output:
	// [55 5050 500500 50005000]
	// 4 jobs, at most two processes: true
	// [spawn cpu report]
}

func ExampleProc_Start() {
	p, err := square.Start(context.Background(), 12)
	if err != nil {
		fmt.Println(err)
		return
	}
	v, err := p.Wait()
	fmt.Println(v, err, p.Task().Status)
	// Output: 144 <nil> exit status 0
}

func ExampleCommands() {
	rec, err := demos.Commands(context.Background(), 0,
		exec.Command("sh", "-c", "echo hello"),
		exec.Command("sh", "-c", "exit 3"),
	)
	for _, t := range rec.Tasks {
		fmt.Printf("%q exit %d (%s)\n", t.Result, t.ExitCode, t.Status)
	}
	fmt.Println(err)
	// Output:
	// "hello" exit 0 (exit status 0)
	// "" exit 3 (exit status 3)
	// command 1 (sh -c exit 3): exit status 3
}

func ExamplePythonCommand() {
	cmd, err := demos.PythonCommand("import sys; print('hello from', sys.argv[1])", "Go")
	if err != nil {
		fmt.Println(err)
		return
	}
	rec, err := demos.Commands(context.Background(), 1, cmd)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rec.Tasks[0].Result)
	// Output: hello from Go
}

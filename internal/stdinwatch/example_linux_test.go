package stdinwatch_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/conclab/conclab/internal/stdinwatch"
)

// A shell's read builtin waits on stdin; Watch notices, and the "kernel"
// answers as if the user had typed into Jupyter's input box.
func ExampleWatch() {
	r, w, err := stdinwatch.Pipe()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.Close()
	cmd := exec.Command("sh", "-c", `read name; echo "hello $name"`)
	cmd.Stdin = r
	cmd.Stdout = os.Stdout
	if err := cmd.Start(); err != nil {
		fmt.Println(err)
		return
	}
	r.Close()

	ctx, cancel := context.WithCancel(context.Background())
	watched := make(chan error, 1)
	go func() {
		watched <- stdinwatch.Watch(ctx, cmd.Process.Pid, w, 5*time.Millisecond, func() {
			fmt.Println("input_request")
			io.WriteString(w, "Ada\n")
		})
	}()
	cmd.Wait()
	cancel()
	fmt.Println("Watch:", <-watched)
	// Output:
	// input_request
	// hello Ada
	// Watch: <nil>
}

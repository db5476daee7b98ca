package live

import (
	"context"
	"fmt"
	"os"

	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/engine"
)

// printOutput is an engine.Output that prints what cells produce.
type printOutput struct{}

func (printOutput) Stream(name, text string)   { fmt.Print(text) }
func (printOutput) Display(d display.Data)     { fmt.Println("display:", d.Data["text/html"]) }
func (printOutput) Result(data map[string]any) { fmt.Println("result:", data["text/plain"]) }
func (printOutput) Input(context.Context, string, bool) (string, error) {
	return "", context.Canceled
}

func ExampleEngine() {
	// In the kernel, Binary is the conclab binary (the default).
	e := New(Options{Binary: workerBinary, TempDir: os.TempDir()})
	defer e.Close()
	ctx := context.Background()
	for _, cell := range []string{
		"x := 41",
		"fmt.Println(x + 1)",
		"x * 2",
		"stop := make(chan bool)\ngo func() { <-stop }()",
	} {
		if err := e.Execute(ctx, engine.Cell{Code: cell}, printOutput{}); err != nil {
			fmt.Println("error:", err)
		}
	}
	// Output:
	// 42
	// result: 82
	// 1 goroutine from live cells is still running
}

func ExampleEngine_Complete() {
	e := New(Options{Binary: workerBinary, TempDir: os.TempDir()})
	defer e.Close()
	ctx := context.Background()
	if err := e.Execute(ctx, engine.Cell{Code: "counter := 0\nfunc countUp() { counter++ }"}, printOutput{}); err != nil {
		fmt.Println("error:", err)
	}
	matches, start, end := e.Complete(ctx, "cou", 3)
	fmt.Println(matches, start, end)
	// Output: [countUp counter] 0 3
}

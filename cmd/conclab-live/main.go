// Command conclab-live is the worker of conclab's live engine: the kernel
// starts it for the %live cells of a session, and it runs them in a Go
// interpreter whose variables and goroutines outlive each cell. It is not
// meant to be run by hand (it says so and exits).
package main

import (
	"os"

	"github.com/conclab/conclab/internal/live/worker"
)

func main() { os.Exit(worker.Main()) }

// Command liveworker stands in for the conclab binary in the live engine's
// tests: run as "liveworker live-worker" it is the worker.
package main

import (
	"fmt"
	"os"

	"github.com/conclab/conclab/kernel/live"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "live-worker" {
		os.Exit(live.WorkerMain())
	}
	fmt.Fprintln(os.Stderr, "usage: liveworker live-worker")
	os.Exit(2)
}

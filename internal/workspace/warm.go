package workspace

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// warmProgram imports what cells commonly use, so building it once fills the
// go build cache and a reader's first cell does not wait for gonum/plot.
const warmProgram = `package main

import (
	_ "fmt"
	_ "sync"
	_ "time"

	_ "github.com/conclab/conclab/check"
	_ "github.com/conclab/conclab/demos"
	_ "github.com/conclab/conclab/plots"
	_ "github.com/janpfeifer/gonb/gonbui"
	_ "gonum.org/v1/plot"
	_ "gonum.org/v1/plot/plotter"
)

func main() {}
`

// Warm builds a program importing the packages cells use (with the race
// detector too when race is set), in a scratch module next to w's.
func (w *Workspace) Warm(ctx context.Context, goCommand string, race bool) error {
	dir, err := os.MkdirTemp(filepath.Dir(w.Dir), "conclab-warm-")
	if err != nil {
		return fmt.Errorf("warm: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := writeModule(dir, w.SrcDir); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(warmProgram), 0o600); err != nil {
		return fmt.Errorf("warm: %w", err)
	}
	flagSets := [][]string{nil}
	if race {
		flagSets = append(flagSets, []string{"-race"})
	}
	for _, flags := range flagSets {
		args := append([]string{"build", "-o", filepath.Join(dir, "warm")}, flags...)
		cmd := exec.CommandContext(ctx, goCommand, append(args, ".")...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), BuildEnv(len(flags) > 0)...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("warm %v: %w\n%s", flags, err, out.String())
		}
	}
	return nil
}

// BuildEnv is what the environment of a cell's build adds (the go command's
// and the toolchain's alike). Cells build as pure Go (CGO_ENABLED=0) unless
// they need cgo: with cgo linked in (by net, say) the runtime cannot tell
// that all goroutines are asleep, and a deadlocked cell would hang instead
// of failing with "all goroutines are asleep". The race detector needs cgo.
func BuildEnv(race bool) []string {
	if race {
		return []string{"CGO_ENABLED=1"}
	}
	return []string{"CGO_ENABLED=0"}
}

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
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("warm %v: %w\n%s", flags, err, out.String())
		}
	}
	return nil
}

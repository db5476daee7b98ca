package kernel

import (
	"context"
	"os/exec"
	"time"

	"github.com/conclab/conclab/internal/memlimit"
	"github.com/conclab/conclab/internal/procgroup"
)

// runLimited runs a shell line or script like procgroup.Run, held to the
// memory limit with everything it starts. A breach is returned apart
// from the command's own error: the caller reports it as MemoryLimit.
func (k *Kernel) runLimited(ctx context.Context, cmd *exec.Cmd) (*memlimit.Breach, error) {
	var tree *memlimit.Tree
	err := procgroup.RunWatched(ctx, cmd, time.Second, func(pid int) <-chan struct{} {
		tree = k.mem.Start(pid)
		return tree.Over()
	})
	if tree == nil {
		return nil, err
	}
	breach := tree.Breach()
	tree.Close()
	return breach, err
}

// memoryNote is the line %help shows about the memory limit.
func (k *Kernel) memoryNote() string {
	return "The processes a cell starts (its program and their children, the %live worker, ! lines and %%script) may hold " +
		memlimit.Size(k.mem.Limit()) + " of memory in all (CONCLAB_MAX_MEMORY); enforced by " + k.mem.Mechanism() + "."
}

package kernel

import (
	"context"
	"path/filepath"
	"time"

	"github.com/conclab/conclab/internal/workspace"
)

// warmDelay bounds how long warming waits for the first kernel_info_request;
// clients send one first, so it rarely matters.
const warmDelay = 500 * time.Millisecond

// completionDelay bounds how long the completion's warming waits for the
// first cell to finish: a cell run at once (Run All, or a notebook opened
// to be run) is built on two cores without it in the way, and nobody asks
// for a completion before they have typed.
const completionDelay = 3 * time.Second

// warm prepares what the first cells need while the user reads the
// notebook: it sweeps cell modules left by killed kernels and old unpacked
// sources, indexes the standard library for import fixing, lists the
// packages cells use most for the compiler, and loads the usual packages for
// completion.
//
// It waits until the kernel has answered its first kernel_info_request:
// this is CPU and disk work (it starts the go command), and on a small
// machine it would otherwise delay the reply a client waits for to call the
// kernel ready. The completion's part waits for the first cell too.
func (k *Kernel) warm(ctx context.Context) {
	t := time.NewTimer(warmDelay)
	defer t.Stop()
	select {
	case <-k.answered:
	case <-t.C:
	case <-ctx.Done():
		return
	}
	start := time.Now()
	step := func(name string) {
		k.log.Debug("warmed", "step", name, "took", time.Since(start))
		start = time.Now()
	}
	// Kernels killed with SIGKILL could not remove their cell modules.
	if n, err := workspace.Sweep(""); err != nil || n > 0 {
		k.log.Info("removed cell modules of kernels that are gone", "count", n, "err", err)
	}
	// Each release unpacks its own source into the shared cache.
	src := k.ws.SrcDir
	if n, err := workspace.SweepSources(filepath.Dir(src), src, workspace.SourceMaxAge); err != nil || n > 0 {
		k.log.Info("removed unpacked sources no kernel started with lately", "count", n, "err", err)
	}
	step("sweep")
	if err := k.engine.Session().Warm(); err != nil {
		k.log.Warn("warm import index", "err", err)
	}
	step("import index")
	if err := k.engine.Warm(ctx); err != nil {
		k.log.Warn("warm builds", "err", err)
	}
	step("builds")
	t.Reset(completionDelay)
	select {
	case <-k.executed:
	case <-t.C:
	case <-ctx.Done():
		return
	}
	start = time.Now()
	if err := k.complete.Warm(ctx, "fmt", "sync", "time", "os", "strings", "math/rand/v2"); err != nil {
		k.log.Debug("warm completion", "err", err)
	}
	step("completion")
}

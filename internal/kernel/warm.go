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

// warm prepares what the first cells need while the user reads the
// notebook: it sweeps cell modules left by killed kernels and old unpacked
// sources, indexes the standard library for import fixing, lists the
// packages cells use most for the compiler, and loads the usual packages for
// completion.
//
// It waits until the kernel has answered its first kernel_info_request:
// this is CPU and disk work (it starts the go command), and on a small
// machine it would otherwise delay the reply a client waits for to call the
// kernel ready.
func (k *Kernel) warm(ctx context.Context) {
	t := time.NewTimer(warmDelay)
	defer t.Stop()
	select {
	case <-k.answered:
	case <-t.C:
	case <-ctx.Done():
		return
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
	if err := k.engine.Session().Warm(); err != nil {
		k.log.Warn("warm import index", "err", err)
	}
	if err := k.engine.Warm(ctx); err != nil {
		k.log.Warn("warm builds", "err", err)
	}
	if err := k.complete.Warm(ctx, "fmt", "sync", "time", "os", "strings", "math/rand/v2"); err != nil {
		k.log.Debug("warm completion", "err", err)
	}
}

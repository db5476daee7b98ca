package live

import (
	"context"
	"errors"
	"time"

	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/stdinwatch"
)

// noInput tells the user why the worker's read of stdin ends at once, and
// for good: the worker reads one stdin for the whole session.
const noInput = "conclab: the cell reads stdin, but this frontend does not allow input; the live session's stdin is now at end of file\n"

// watchStdin runs the stdin watcher on the worker for one cell.
func (e *Engine) watchStdin(ctx context.Context, p *proc, in *engine.InputPump) {
	err := stdinwatch.Watch(ctx, p.pid, p.stdin, 20*time.Millisecond, func() { in.Ask("", false) })
	if errors.Is(err, stdinwatch.ErrUnavailable) {
		e.opt.Logger.Debug("live: cannot see stdin reads", "err", err)
	}
}

package workload

import (
	"context"
	"fmt"
	"time"
)

// Sleep waits for d, the simplest I/O-bound work: no CPU is used while it
// waits, so many sleepers overlap perfectly. It returns early with the
// context's error when ctx ends first. With a context that never ends it
// is time.Sleep, which a recording shows as sleeping; with one that can,
// it waits in a select on a timer and the context, and shows so.
func Sleep(ctx context.Context, d time.Duration) error {
	if ctx.Done() == nil {
		time.Sleep(d)
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("sleep %v: %w", d, context.Cause(ctx))
	}
}

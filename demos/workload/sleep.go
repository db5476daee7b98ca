package workload

import (
	"context"
	"fmt"
	"time"
)

// Sleep waits for d, the simplest I/O-bound work: no CPU is used while it
// waits, so many sleepers overlap perfectly. It returns early with the
// context's error when ctx ends first.
func Sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("sleep %v: %w", d, context.Cause(ctx))
	}
}

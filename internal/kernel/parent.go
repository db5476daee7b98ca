package kernel

import (
	"context"
	"os"
	"time"
)

// parentPoll is how often the kernel looks whether the process that
// started it is still there, where the OS does not tell it at once; when
// it does, the kernel looks promptedLooks times, promptedLook apart.
const (
	parentPoll    = time.Second
	promptedLooks = 20
	promptedLook  = 5 * time.Millisecond
)

// watchParent returns a channel closed when the process that started the
// kernel has gone (its parent process id changes: the kernel was adopted),
// as ipykernel's parent poller does: a launcher killed with SIGKILL cannot
// shut its kernel down, and an orphaned kernel would run, and hold its
// children, forever. On Linux the OS also signals the kernel the moment its
// parent dies (parentDeathSignal), so that it need not wait for the next
// poll; the signal only prompts a look, because the OS sends it when the
// thread that started the kernel ends, which a launcher may do while it
// lives on.
func watchParent(ctx context.Context) <-chan struct{} {
	gone := make(chan struct{})
	first := os.Getppid()
	prompt := parentDeathSignal()
	go func() {
		tick := time.NewTicker(parentPoll)
		defer tick.Stop()
		looks := 1
		for {
			for range looks {
				if os.Getppid() != first {
					close(gone)
					return
				}
				if looks > 1 {
					time.Sleep(promptedLook)
				}
			}
			looks = 1
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			case <-prompt:
				// The OS moves the kernel's threads to their new parent
				// one by one as it signals: look again for a moment.
				looks = promptedLooks
			}
		}
	}()
	return gone
}

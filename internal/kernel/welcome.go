package kernel

import "context"

// welcomeLoop greets each new iopub subscriber with iopub_welcome (JEP 65).
// A SUB socket misses what is published before its subscription reaches
// the kernel; the welcome tells a client that its subscription is in effect,
// so that it can send its first request at once instead of probing with
// kernel_info requests and timeouts (jupyter_client's wait_for_ready
// accepts any iopub message as that sign).
func (k *Kernel) welcomeLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case topic := <-k.sockets.Subscriptions():
			k.publish(nil, "iopub_welcome", IOPubWelcome{Subscription: topic})
		}
	}
}

package kernel

import (
	"context"

	"github.com/conclab/conclab/internal/wire"
)

func (k *Kernel) handleInterrupt(_ context.Context, req *wire.Message, ch sender) error {
	k.interrupt()
	return k.reply(ch, req, "interrupt_reply", StatusReply{Status: statusOK})
}

// handleShutdown replies, then stops the kernel: the running cell and every
// process it started are stopped, and the workspace is removed.
func (k *Kernel) handleShutdown(_ context.Context, req *wire.Message, ch sender) error {
	var c struct {
		Restart bool `json:"restart"`
	}
	_ = req.DecodeContent(&c)
	content := ShutdownReply{Status: statusOK, Restart: c.Restart}
	err := k.reply(ch, req, "shutdown_reply", content)
	k.publish(req, "shutdown_reply", content) // as ipykernel does, for other clients
	select {
	case k.shutdown <- c.Restart:
	default:
	}
	return err
}

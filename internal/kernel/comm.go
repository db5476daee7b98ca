package kernel

import (
	"context"

	"github.com/conclab/conclab/internal/wire"
)

// conclab registers no comm targets (widgets are not supported), so the comm
// handlers follow the spec for a kernel without targets.

func (k *Kernel) handleCommInfo(_ context.Context, req *wire.Message, ch sender) error {
	return k.reply(ch, req, "comm_info_reply", CommInfoReply{Status: statusOK, Comms: map[string]CommInfo{}})
}

// handleCommOpen closes a comm whose target does not exist at once, as the
// spec asks, so the frontend's state stays consistent.
func (k *Kernel) handleCommOpen(_ context.Context, req *wire.Message, _ sender) error {
	var c struct {
		CommID string `json:"comm_id"`
	}
	if err := req.DecodeContent(&c); err != nil || c.CommID == "" {
		return nil
	}
	k.publish(req, "comm_close", CommClose{CommID: c.CommID, Data: map[string]any{}})
	return nil
}

func (k *Kernel) handleCommIgnore(context.Context, *wire.Message, sender) error { return nil }

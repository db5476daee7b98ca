package kernel

import "github.com/conclab/conclab/internal/wire"

// A sender sends messages on one of the kernel's channels. The kernel's
// are [*wire.Channel]s; tests use a fake that records what is sent, so a
// handler can be called without sockets.
type sender interface {
	Send(m *wire.Message) error
}

// The kernel's channels are senders.
var _ sender = (*wire.Channel)(nil)

// reply sends a reply to req on ch.
func (k *Kernel) reply(ch sender, req *wire.Message, msgType string, content any) error {
	m, err := wire.NewReply(req, msgType, content)
	if err != nil {
		return err
	}
	return ch.Send(m)
}

// publish sends a message on iopub as a child of parent (nil: no parent).
func (k *Kernel) publish(parent *wire.Message, msgType string, content any) {
	var m *wire.Message
	var err error
	if parent != nil {
		m, err = wire.NewReply(parent, msgType, content)
		if err == nil {
			m.Identities = [][]byte{[]byte(msgType)}
		}
	} else {
		m, err = wire.NewMessage(msgType, k.session, content)
	}
	if err == nil {
		err = k.iopub.Send(m)
	}
	if err != nil {
		k.log.Warn("publish failed", "type", msgType, "err", err)
	}
}

func (k *Kernel) publishStatus(parent *wire.Message, state string) {
	k.publish(parent, "status", KernelStatus{ExecutionState: state})
}

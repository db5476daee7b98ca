package wire

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
)

// ErrClosed is returned by a [Channel] whose sockets are closed.
var ErrClosed = errors.New("wire: channel closed")

// Channel is one of the kernel's message sockets: shell, control or stdin
// (ROUTER) or iopub (PUB). It is safe for concurrent use; sends are
// serialized because zmq4 sockets are not safe for concurrent Send.
type Channel struct {
	name   string
	sock   zmq4.Socket
	pub    bool
	signer *Signer
	replay *replayGuard // nil when messages are not signed
	log    *slog.Logger
	ctx    context.Context // done once the channel is closed

	sendMu sync.Mutex
}

// Name returns the channel's name from the spec: "shell", "control",
// "stdin" or "iopub".
func (c *Channel) Name() string { return c.name }

// Send encodes, signs and sends m. On a ROUTER channel, m's identities say
// which client gets it; a client that has gone away drops it silently, as
// ZeroMQ does. On iopub, the identities are the topic; with none, the topic
// is m's msg_type. Send on iopub never waits for subscribers: the message
// joins each subscriber's queue, and a subscriber whose queue is full (it
// reads too slowly or not at all) misses it; one that stops reading
// altogether is disconnected after a while.
func (c *Channel) Send(m *Message) error {
	if c.ctx.Err() != nil {
		return fmt.Errorf("send %s on %s: %w", msgType(m), c.name, ErrClosed)
	}
	if m != nil && !c.pub && len(m.Identities) == 0 {
		return fmt.Errorf("send %s on %s: no identities to route the message to", m.Header.MsgType, c.name)
	}
	if m != nil && c.pub && len(m.Identities) == 0 {
		cp := *m
		cp.Identities = [][]byte{[]byte(m.Header.MsgType)}
		m = &cp
	}
	frames, err := Encode(m, c.signer)
	if err != nil {
		return fmt.Errorf("send on %s: %w", c.name, err)
	}
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	if err := c.sock.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		if c.ctx.Err() != nil {
			err = ErrClosed
		}
		return fmt.Errorf("send %s on %s: %w", m.Header.MsgType, c.name, err)
	}
	return nil
}

// Recv returns the next valid message: signed with the kernel's key (when
// it has one), not a replay of an earlier message, and well formed. It logs
// anything else at debug level (never the key or the content) and waits for
// the next message. Once the channel is closed it returns an error wrapping
// [ErrClosed]. Recv on iopub, which only sends, returns an error at once.
func (c *Channel) Recv() (*Message, error) {
	if c.pub {
		return nil, fmt.Errorf("recv on %s: the channel only sends", c.name)
	}
	for {
		zm, err := c.sock.Recv()
		if c.ctx.Err() != nil {
			return nil, fmt.Errorf("recv on %s: %w", c.name, ErrClosed)
		}
		if err != nil {
			// zmq4 reports a broken connection this way on some socket
			// types; the socket itself still works.
			c.log.Debug("recv error", "channel", c.name, "err", err)
			select {
			case <-c.ctx.Done():
			case <-time.After(10 * time.Millisecond):
			}
			continue
		}
		if zm.Type == zmq4.CmdMsg {
			continue // a ZMTP command such as PING, not a message
		}
		m, err := Decode(zm.Frames, c.signer)
		if err != nil {
			c.log.Debug("dropped message", "channel", c.name, "frames", len(zm.Frames), "err", err)
			continue
		}
		if c.replay != nil && !c.replay.firstUse(signatureFrame(zm.Frames)) {
			c.log.Debug("dropped replayed message", "channel", c.name, "msg_type", m.Header.MsgType)
			continue
		}
		return m, nil
	}
}

// signatureFrame returns the signature of frames that Decode accepted.
func signatureFrame(frames [][]byte) []byte {
	for i, f := range frames {
		if string(f) == Delimiter {
			return frames[i+1]
		}
	}
	return nil
}

func msgType(m *Message) string {
	if m == nil {
		return "<nil>"
	}
	return m.Header.MsgType
}

package kernel

import (
	"context"
	"runtime/debug"
	"strconv"

	"github.com/conclab/conclab/internal/wire"
)

// A handler answers one kind of request. It returns an error only for
// failures worth logging; what the user should see goes into the reply.
type handler func(k *Kernel, ctx context.Context, req *wire.Message, ch sender) error

// shellHandlers is the shell channel's table, after ipykernel's: message type
// to handler. execute_request is not here: it is queued (see shellLoop).
var shellHandlers = map[string]handler{
	"kernel_info_request": (*Kernel).handleKernelInfo,
	"complete_request":    (*Kernel).handleComplete,
	"inspect_request":     (*Kernel).handleInspect,
	"is_complete_request": (*Kernel).handleIsComplete,
	"history_request":     (*Kernel).handleHistory,
	"comm_info_request":   (*Kernel).handleCommInfo,
	"comm_open":           (*Kernel).handleCommOpen,
	"comm_msg":            (*Kernel).handleCommIgnore,
	"comm_close":          (*Kernel).handleCommIgnore,
	"shutdown_request":    (*Kernel).handleShutdown, // deprecated on shell, still sent by old clients
}

// controlHandlers is the control channel's table.
var controlHandlers = map[string]handler{
	"kernel_info_request": (*Kernel).handleKernelInfo,
	"interrupt_request":   (*Kernel).handleInterrupt,
	"debug_request":       (*Kernel).handleDebugRequest,
	"shutdown_request":    (*Kernel).handleShutdown,
}

// shellLoop reads the shell channel. Cells run one at a time in order, so
// execute_requests go to a queue; everything else is answered at once, so
// completion and inspection work while a long cell runs.
func (k *Kernel) shellLoop(ctx context.Context) {
	for {
		req, err := k.sockets.Shell.Recv()
		if err != nil {
			return // the socket is closed: the kernel is stopping
		}
		if req.Header.MsgType == "execute_request" {
			k.queueExecute(req)
			continue
		}
		k.dispatch(ctx, shellHandlers, req, k.shell)
	}
}

func (k *Kernel) controlLoop(ctx context.Context) {
	for {
		req, err := k.sockets.Control.Recv()
		if err != nil {
			return
		}
		k.dispatch(ctx, controlHandlers, req, k.control)
	}
}

// stdinLoop passes input_replies to the cell waiting for one.
func (k *Kernel) stdinLoop(ctx context.Context) {
	for {
		msg, err := k.sockets.Stdin.Recv()
		if err != nil {
			return
		}
		if msg.Header.MsgType != "input_reply" {
			k.log.Debug("unexpected message on stdin", "type", logType(msg.Header.MsgType))
			continue
		}
		select {
		case k.inputs <- msg:
		default:
			k.log.Debug("input_reply with no request waiting")
		}
	}
}

// dispatch runs the handler for req with busy/idle status around it. A
// message type with no handler is logged and dropped, as the spec allows.
func (k *Kernel) dispatch(ctx context.Context, table map[string]handler, req *wire.Message, ch sender) {
	h, ok := table[req.Header.MsgType]
	if !ok {
		k.log.Info("unhandled message", "type", logType(req.Header.MsgType))
		return
	}
	k.publishStatus(req, "busy")
	defer k.publishStatus(req, "idle")
	defer func() {
		if r := recover(); r != nil {
			k.log.Error("kernel bug in a handler", "type", req.Header.MsgType, "panic", r, "stack", string(debug.Stack()))
		}
	}()
	if err := h(k, ctx, req, ch); err != nil {
		k.log.Warn("handler failed", "type", logType(req.Header.MsgType), "err", err)
	}
}

// logType is a msg_type as the log shows it: a signed message may carry any
// string there, and one line of the log should stay one line.
func logType(t string) string {
	const max = 64
	if len(t) > max {
		t = t[:max] + "..."
	}
	return strconv.Quote(t)
}

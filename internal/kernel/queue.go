package kernel

import (
	"fmt"
	"time"

	"github.com/conclab/conclab/internal/wire"
)

// queued is an execute_request in the queue, with when it reached the
// kernel (see abortQueued).
type queued struct {
	req     *wire.Message
	arrived time.Time
}

// queueExecute puts an execute_request in the queue that executeLoop runs.
// A request the full queue cannot take is refused: it is answered at once
// as a failed cell is (busy, error, execute_reply with status error, idle),
// so that its client shows why instead of waiting for a reply forever.
// Refusing it does not abort the requests queued behind it: the cells
// that run are not at fault.
func (k *Kernel) queueExecute(req *wire.Message) {
	select {
	case k.executions <- queued{req: req, arrived: time.Now()}:
		return
	default:
	}
	k.log.Warn("execute queue full, request refused", "queued", cap(k.executions))
	evalue := fmt.Sprintf("%d cells are waiting to run, the most the kernel queues; this one was not run. "+
		"Run it again once they are done, or interrupt the kernel.", cap(k.executions))
	tb := []string{red("QueueFull: " + evalue)}
	k.publishStatus(req, "busy")
	defer k.publishStatus(req, "idle")
	k.publish(req, "error", ExecutionError{Ename: "QueueFull", Evalue: evalue, Traceback: tb})
	err := k.reply(k.shell, req, "execute_reply", ExecuteErrorReply{
		ErrorReply:      newErrorReply("QueueFull", evalue, tb),
		ExecutionCount:  k.executionCount(),
		UserExpressions: map[string]any{},
	})
	if err != nil {
		k.log.Warn("refuse execute_request", "err", fmt.Errorf("reply: %w", err))
	}
}

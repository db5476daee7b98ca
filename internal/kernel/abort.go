package kernel

import (
	"time"

	"github.com/conclab/conclab/internal/wire"
)

// abortLinger is how long after a failed cell the kernel still looks for
// execute_requests sent before the failure: "Run all" sends every cell at
// once, and a cell that fails to compile can fail before the requests sent
// right after it have arrived. The linger costs nothing: the failed cell's
// idle status is out, and a request the client sends after seeing the
// failure ends it at once.
const abortLinger = time.Second

// abortQueued answers the execute_requests queued behind failed with
// status aborted, as stop_on_error asks: after a failed cell, "Run all"
// stops. It takes what is queued, then, for up to linger, what arrives,
// and aborts each request whose client could not have seen the failure
// when it sent it: one that reached the kernel before the failure's reply
// went out, or that its client sent (by the client's own clock) less than
// stop.took after failed. The first other request ends the aborting: it is
// returned, unanswered, to be run next. Nil when none came.
func (k *Kernel) abortQueued(failed *wire.Message, stop stopOnError, linger time.Duration) *wire.Message {
	failedSent, dated := sentAt(failed)
	sentAfterFailure := func(q queued) bool {
		if q.arrived.Before(stop.replied) {
			return false
		}
		if !dated {
			return true
		}
		sent, ok := sentAt(q.req)
		return !ok || !sent.Before(failedSent.Add(stop.took))
	}
	var expired <-chan time.Time // nil: failed has no date to compare with, no linger
	if dated {
		t := time.NewTimer(linger)
		defer t.Stop()
		expired = t.C
	}
	for {
		var q queued
		select {
		case q = <-k.executions: // what is queued first, whatever the timer says
		default:
			if expired == nil {
				return nil
			}
			select {
			case q = <-k.executions:
			case <-expired:
				return nil
			}
		}
		if sentAfterFailure(q) {
			return q.req
		}
		k.abortExecute(q.req)
	}
}

// abortExecute answers req with status aborted, inside busy and idle.
func (k *Kernel) abortExecute(req *wire.Message) {
	k.publishStatus(req, "busy")
	// No execution_count: the cell did not run, and frontends show it so.
	if err := k.reply(k.shell, req, "execute_reply", StatusReply{Status: statusAborted}); err != nil {
		k.log.Warn("abort reply", "err", err)
	}
	k.publishStatus(req, "idle")
}

// sentAt is when m's client sent it, by its header's date.
func sentAt(m *wire.Message) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, m.Header.Date)
	return t, err == nil
}

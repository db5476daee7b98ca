package ipc

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"sync"
)

// A queueHost holds a queue's values and serves other processes.
type queueHost struct {
	path, dir string
	items     chan json.RawMessage
	ln        *net.UnixListener
	closed    chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// newQueueHost starts serving a queue of the given capacity.
func newQueueHost(capacity int) (*queueHost, error) {
	path, dir, err := newSocketPath("queue.sock")
	if err != nil {
		return nil, err
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	h := &queueHost{path: path, dir: dir, items: make(chan json.RawMessage, capacity), ln: ln, closed: make(chan struct{})}
	h.wg.Add(1)
	go h.accept()
	return h, nil
}

// put adds an encoded value.
func (h *queueHost) put(ctx context.Context, b json.RawMessage) error {
	if h.isClosed() {
		return fmt.Errorf("queue put: %w", ErrClosed)
	}
	select {
	case h.items <- b:
		return nil
	case <-h.closed:
		return fmt.Errorf("queue put: %w", ErrClosed)
	case <-ctx.Done():
		return fmt.Errorf("queue put: %w", context.Cause(ctx))
	}
}

// get takes an encoded value.
func (h *queueHost) get(ctx context.Context) (json.RawMessage, error) {
	if h.isClosed() {
		return nil, fmt.Errorf("queue get: %w", ErrClosed)
	}
	select {
	case b := <-h.items:
		return b, nil
	case <-h.closed:
		return nil, fmt.Errorf("queue get: %w", ErrClosed)
	case <-ctx.Done():
		return nil, fmt.Errorf("queue get: %w", context.Cause(ctx))
	}
}

// accept serves each connection in a goroutine of its own until the queue
// closes.
func (h *queueHost) accept() {
	defer h.wg.Done()
	for {
		c, err := h.ln.Accept()
		if err != nil {
			return
		}
		h.wg.Add(2)
		h.serve(c)
	}
}

// serve answers the requests on one connection: a reader goroutine reads
// them, so that a client that goes away while its Get waits is noticed
// and its wait abandoned without taking a value.
func (h *queueHost) serve(nc net.Conn) {
	c := newConn(nc)
	reqs := make(chan queueRequest)
	gone := make(chan struct{})
	go func() {
		defer h.wg.Done()
		defer close(gone)
		for {
			var req queueRequest
			if c.Recv(&req) != nil {
				return
			}
			select {
			case reqs <- req:
			case <-h.closed:
				return
			}
		}
	}()
	go func() {
		defer h.wg.Done()
		defer c.Close()
		for {
			var req queueRequest
			select {
			case req = <-reqs:
			case <-gone:
				return
			case <-h.closed:
				return
			}
			var rep queueReply
			if h.isClosed() {
				return
			}
			switch req.Op {
			case opPut:
				select {
				case h.items <- req.Value:
				case <-gone:
					return
				case <-h.closed:
					rep.Err = ErrClosed.Error()
				}
			case opGet:
				select {
				case rep.Value = <-h.items:
					if isDone(gone) {
						// The client left while the value was on its way:
						// keep the value for someone else.
						h.requeue(rep.Value)
						return
					}
				case <-gone:
					return
				case <-h.closed:
					rep.Err = ErrClosed.Error()
				}
			default:
				rep.Err = fmt.Sprintf("unknown operation %q", req.Op)
			}
			if c.Send(rep) != nil {
				if req.Op == opGet && rep.Value != nil {
					h.requeue(rep.Value)
				}
				return
			}
		}
	}()
}

// isClosed reports whether close has begun; select alone could still pick
// a ready queue operation over a closed queue.
func (h *queueHost) isClosed() bool { return isDone(h.closed) }

// requeue puts back a value taken for a client that is gone, at the back
// of the queue (the only place a channel allows).
func (h *queueHost) requeue(b json.RawMessage) {
	select {
	case h.items <- b:
	case <-h.closed:
	}
}

// isDone reports whether ch is closed.
func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// close stops serving, ends waiting operations and removes the socket.
func (h *queueHost) close() error {
	h.closeOnce.Do(func() {
		close(h.closed)
		h.ln.Close()
	})
	h.wg.Wait()
	if err := os.RemoveAll(h.dir); err != nil {
		return fmt.Errorf("close queue: %w", err)
	}
	return nil
}

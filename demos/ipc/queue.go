package ipc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
)

// ErrClosed is returned by operations on a Queue that has been closed.
var ErrClosed = errors.New("queue closed")

// A Queue is a first-in, first-out queue of values of type V shared by
// processes, like multiprocessing.Queue: any of them can Put values and
// Get them, and each value is got exactly once. The process that makes it
// with NewQueue holds the values; the others reach it through a Unix
// socket, with the values encoded as JSON. A Queue encodes to JSON as its
// address, so it can be passed to a child process as an argument.
type Queue[V any] struct {
	Addr string `json:"addr"`

	host *queueHost // the maker's only: the values themselves

	mu   sync.Mutex
	idle []*Conn // connections to the host not in use
}

// NewQueue makes a queue that holds up to capacity values (at least one);
// Put waits while it is full. Close stops it.
func NewQueue[V any](capacity int) (*Queue[V], error) {
	h, err := newQueueHost(max(capacity, 1))
	if err != nil {
		return nil, fmt.Errorf("new queue: %w", err)
	}
	return &Queue[V]{Addr: h.path, host: h}, nil
}

// Put adds v at the back of the queue, waiting while it is full, until ctx
// ends. As with any request over a connection, a Put canceled in a
// process other than the maker may still be carried out by the maker.
func (q *Queue[V]) Put(ctx context.Context, v V) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("queue put: %w", err)
	}
	if q.host != nil {
		return q.host.put(ctx, b)
	}
	_, err = q.call(ctx, queueRequest{Op: opPut, Value: b})
	return err
}

// Get takes the value at the front of the queue, waiting while it is
// empty, until ctx ends. A value taken for a Get that was canceled before
// the value reached it is put back at the end of the queue; only in the
// instant after the maker has sent it can a canceled Get lose a value.
func (q *Queue[V]) Get(ctx context.Context) (V, error) {
	var v V
	var b json.RawMessage
	var err error
	if q.host != nil {
		b, err = q.host.get(ctx)
	} else {
		b, err = q.call(ctx, queueRequest{Op: opGet})
	}
	if err != nil {
		return v, err
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("queue get: %w", err)
	}
	return v, nil
}

// Len is how many values wait in the queue; only the maker knows, others
// get 0.
func (q *Queue[V]) Len() int {
	if q.host == nil {
		return 0
	}
	return len(q.host.items)
}

// Close closes this process's connections to the queue; in the maker it
// also stops the queue: waiting Puts and Gets everywhere return ErrClosed
// and the values still queued are dropped.
func (q *Queue[V]) Close() error {
	q.mu.Lock()
	for _, c := range q.idle {
		c.Close()
	}
	q.idle = nil
	q.mu.Unlock()
	if q.host != nil {
		return q.host.close()
	}
	return nil
}

// call sends one request to the maker and waits for the reply. A
// connection whose call was canceled is dropped, since its reply may still
// come.
func (q *Queue[V]) call(ctx context.Context, req queueRequest) (json.RawMessage, error) {
	c, err := q.conn(ctx)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	var rep queueReply
	err = c.Send(req)
	if err == nil {
		err = c.Recv(&rep)
	}
	if !stop() || err != nil {
		c.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("queue %s: %w", req.Op, context.Cause(ctx))
		}
		return nil, fmt.Errorf("queue %s: %w", req.Op, err)
	}
	q.mu.Lock()
	q.idle = append(q.idle, c)
	q.mu.Unlock()
	if rep.Err != "" {
		if rep.Err == ErrClosed.Error() {
			return nil, fmt.Errorf("queue %s: %w", req.Op, ErrClosed)
		}
		return nil, fmt.Errorf("queue %s: %s", req.Op, rep.Err)
	}
	return rep.Value, nil
}

// conn takes an idle connection to the maker or dials a new one.
func (q *Queue[V]) conn(ctx context.Context) (*Conn, error) {
	q.mu.Lock()
	if n := len(q.idle); n > 0 {
		c := q.idle[n-1]
		q.idle = q.idle[:n-1]
		q.mu.Unlock()
		return c, nil
	}
	q.mu.Unlock()
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", q.Addr)
	if err != nil {
		return nil, fmt.Errorf("connect to queue: %w", err)
	}
	return newConn(c), nil
}

// Operations of the queue protocol.
const (
	opPut = "put"
	opGet = "get"
)

// A queueRequest asks the maker to put or get one value.
type queueRequest struct {
	Op    string          `json:"op"`
	Value json.RawMessage `json:"value,omitempty"`
}

// A queueReply answers a queueRequest.
type queueReply struct {
	Value json.RawMessage `json:"value,omitempty"`
	Err   string          `json:"error,omitempty"`
}

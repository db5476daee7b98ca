package debugger

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
)

// A Client is one DAP session with a debug adapter over a connection: it
// numbers the requests it sends, matches each response to its request, and
// hands the adapter's events over in order.
type Client struct {
	conn io.ReadWriteCloser

	wmu sync.Mutex // one message at a time on the wire
	w   *bufio.Writer

	mu      sync.Mutex
	seq     int
	pending map[int]chan Message
	err     error // why the session ended; set before done is closed

	events    chan Message
	done      chan struct{}
	closing   chan struct{} // closed by Close: the reader stops waiting for a consumer
	closeOnce sync.Once
}

// ErrClosed is the error of a request sent after the session ended.
var ErrClosed = errors.New("dap: the debug session has ended")

// NewClient starts a session over conn; Close ends it.
func NewClient(conn io.ReadWriteCloser) *Client {
	c := &Client{
		conn:    conn,
		w:       bufio.NewWriter(conn),
		pending: map[int]chan Message{},
		events:  make(chan Message, 1024),
		done:    make(chan struct{}),
		closing: make(chan struct{}),
	}
	go c.read()
	return c
}

// Events delivers the adapter's events, in order; it is closed when the
// session ends. The reader waits for a slow consumer once 1024 events are
// waiting, so a consumer must keep reading.
func (c *Client) Events() <-chan Message { return c.events }

// Done is closed when the session has ended; Err then says why.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err is why the session ended (io.EOF when the adapter closed it), or nil.
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// read routes what the adapter sends until the connection ends.
func (c *Client) read() {
	r := bufio.NewReader(c.conn)
	var err error
	defer func() {
		c.mu.Lock()
		c.err = err
		pending := c.pending
		c.pending = nil
		c.mu.Unlock()
		for _, ch := range pending {
			close(ch)
		}
		close(c.events)
		close(c.done)
	}()
	for {
		var m Message
		if m, err = readMessage(r); err != nil {
			return
		}
		switch m.Type {
		case "response":
			c.mu.Lock()
			ch := c.pending[m.RequestSeq]
			delete(c.pending, m.RequestSeq)
			c.mu.Unlock()
			if ch != nil {
				ch <- m
			}
		case "event":
			select {
			case c.events <- m:
			case <-c.closing:
				err = ErrClosed
				return
			}
		case "request":
			// A reverse request (runInTerminal): this client runs nothing.
			no := false
			_ = c.send(Message{Type: "response", RequestSeq: m.Seq, Command: m.Command, Success: &no,
				Message: "not supported by conclab"})
		}
	}
}

// send numbers m and writes it.
func (c *Client) send(m Message) error {
	c.mu.Lock()
	c.seq++
	m.Seq = c.seq
	c.mu.Unlock()
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := writeMessage(c.w, m); err != nil {
		return fmt.Errorf("dap: send %s: %w", m.Command, err)
	}
	if err := c.w.Flush(); err != nil {
		return fmt.Errorf("dap: send %s: %w", m.Command, err)
	}
	return nil
}

// Do sends the request command with args (raw JSON, or a value to encode;
// nil for none) and waits for its response, whatever it says: a response
// with success false is returned with a nil error.
func (c *Client) Do(ctx context.Context, command string, args any) (Message, error) {
	var raw json.RawMessage
	switch a := args.(type) {
	case nil:
	case json.RawMessage:
		raw = a
	default:
		b, err := json.Marshal(a)
		if err != nil {
			return Message{}, fmt.Errorf("dap: %s arguments: %w", command, err)
		}
		raw = b
	}
	ch := make(chan Message, 1)
	c.mu.Lock()
	if c.pending == nil {
		c.mu.Unlock()
		return Message{}, ErrClosed
	}
	c.seq++
	seq := c.seq
	c.pending[seq] = ch
	c.mu.Unlock()
	m := Message{Seq: seq, Type: "request", Command: command, Arguments: raw}
	c.wmu.Lock()
	err := writeMessage(c.w, m)
	if err == nil {
		err = c.w.Flush()
	}
	c.wmu.Unlock()
	if err != nil {
		c.forget(seq)
		return Message{}, fmt.Errorf("dap: send %s: %w", command, err)
	}
	select {
	case resp, ok := <-ch:
		if !ok {
			return Message{}, ErrClosed
		}
		return resp, nil
	case <-ctx.Done():
		c.forget(seq)
		return Message{}, fmt.Errorf("dap: %s: %w", command, ctx.Err())
	}
}

// Call is Do for a request that must succeed: a response with success
// false is an error carrying the adapter's message.
func (c *Client) Call(ctx context.Context, command string, args any) (Message, error) {
	resp, err := c.Do(ctx, command, args)
	if err != nil {
		return resp, err
	}
	if !resp.Succeeded() {
		return resp, fmt.Errorf("dap: %s: %s", command, resp.Message)
	}
	return resp, nil
}

func (c *Client) forget(seq int) {
	c.mu.Lock()
	if c.pending != nil {
		delete(c.pending, seq)
	}
	c.mu.Unlock()
}

// Close ends the session: the connection is closed and every request
// waiting for its response returns ErrClosed.
func (c *Client) Close() error {
	c.closeOnce.Do(func() { close(c.closing) })
	err := c.conn.Close()
	<-c.done
	return err
}

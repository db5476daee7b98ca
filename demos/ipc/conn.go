package ipc

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"sync"
)

// A Conn is one end of a connection between two processes: each Send on
// one end is one Recv on the other, in order. Values are encoded as JSON,
// so anything encoding/json handles can be sent. Send and Recv may be
// called from different goroutines; two concurrent Sends (or Recvs) are
// serialized.
type Conn struct {
	c      net.Conn
	sendMu sync.Mutex
	enc    *json.Encoder
	w      *bufio.Writer
	recvMu sync.Mutex
	dec    *json.Decoder
}

// newConn wraps a connected socket.
func newConn(c net.Conn) *Conn {
	w := bufio.NewWriter(c)
	return &Conn{c: c, w: w, enc: json.NewEncoder(w), dec: json.NewDecoder(bufio.NewReader(c))}
}

// Send sends v to the other end.
func (c *Conn) Send(v any) error {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	if err := c.enc.Encode(v); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	if err := c.w.Flush(); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	return nil
}

// Recv waits for the next value from the other end and decodes it into v,
// which must be a pointer. It returns io.EOF (wrapped) once the other end
// has closed and every value sent before has been received.
func (c *Conn) Recv(v any) error {
	c.recvMu.Lock()
	defer c.recvMu.Unlock()
	if err := c.dec.Decode(v); err != nil {
		return fmt.Errorf("recv: %w", err)
	}
	return nil
}

// Close closes this end; a Recv waiting on the other end returns.
func (c *Conn) Close() error {
	if err := c.c.Close(); err != nil {
		return fmt.Errorf("close connection: %w", err)
	}
	return nil
}

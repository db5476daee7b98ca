package ipc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
)

// A Pipe joins two processes with a two-way channel of values, like
// multiprocessing.Pipe. The process that makes it with NewPipe passes it to
// another (as an argument of Proc.Start, say); then the maker calls Accept
// and the other calls Dial, and each gets its end as a *Conn.
//
// A Pipe encodes to JSON as its address, which is all the other process
// needs.
type Pipe struct {
	Addr string `json:"addr"` // the Unix socket the ends meet at

	ln  *net.UnixListener // the maker's only
	dir string
}

// NewPipe makes a pipe whose other end is still to be dialed.
func NewPipe() (*Pipe, error) {
	path, dir, err := newSocketPath("pipe.sock")
	if err != nil {
		return nil, fmt.Errorf("new pipe: %w", err)
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("new pipe: %w", err)
	}
	return &Pipe{Addr: path, ln: ln, dir: dir}, nil
}

// Accept waits for the other process to Dial and returns the maker's end.
// It returns early with the context's error if ctx ends first (for
// instance when the other process died without dialing).
func (p *Pipe) Accept(ctx context.Context) (*Conn, error) {
	if p.ln == nil {
		return nil, errors.New("accept: only the process that made the pipe can accept")
	}
	stop := context.AfterFunc(ctx, func() { p.ln.Close() })
	defer stop()
	c, err := p.ln.Accept()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("accept on %s: %w", p.Addr, context.Cause(ctx))
		}
		return nil, fmt.Errorf("accept on %s: %w", p.Addr, err)
	}
	// One pipe has two ends: stop listening so no third party can join.
	p.ln.Close()
	return newConn(c), nil
}

// Dial connects to the maker of the pipe and returns this end.
func (p *Pipe) Dial(ctx context.Context) (*Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", p.Addr)
	if err != nil {
		return nil, fmt.Errorf("dial pipe: %w", err)
	}
	return newConn(c), nil
}

// Close stops waiting for the other end and removes the socket; ends
// already connected stay open. Only the maker's Close does anything.
func (p *Pipe) Close() error {
	if p.ln == nil {
		return nil
	}
	p.ln.Close() // may already be closed by Accept
	if err := os.RemoveAll(p.dir); err != nil {
		return fmt.Errorf("close pipe: %w", err)
	}
	return nil
}

package wire

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

// The guard protects the kernel from what zmq4 trusts its peers with. zmq4
// runs each accepted connection's handshake on its single accept goroutine
// with no deadline (a peer that stalls mid-handshake blocks every later
// client), allocates a frame as large as the peer announces, indexes the
// handshake's metadata without bounds checks (a malformed READY panics the
// process), and blocks on a peer that stops reading. The guard sits under
// zmq4 as a transport. For each connection it runs the peer's half of the
// handshake itself, in its own goroutine and with a deadline: it sends
// zmq4's (fixed) greeting, reads the peer's greeting and READY command and
// checks them. Only then does it hand the connection to zmq4, whose
// handshake finds everything it reads already buffered and so cannot stall.
// Afterwards it rejects frames above a size limit before zmq4 allocates
// them, and drops a peer that does not read for a while.

// The guard's bounds.
const (
	handshakeTimeout = 10 * time.Second
	writeTimeout     = 10 * time.Second
	maxMessageSize   = 256 << 20
	maxCommandSize   = 64 << 10
)

// guardedSchemes maps a connection file's transport to the zmq4 transport
// name the guard registers for it.
var guardedSchemes = map[string]string{"tcp": "conclab-tcp", "ipc": "conclab-ipc"}

// registerGuard registers the guarded transports with zmq4 once per
// process: zmq4's transport registry is global and refuses duplicates.
var registerGuard = sync.OnceValue(func() error {
	for network, scheme := range map[string]string{"tcp": "tcp", "unix": "ipc"} {
		t := guardTransport{base: transport.New(network), lim: defaultLimits()}
		if err := zmq4.RegisterTransport(guardedSchemes[scheme], t); err != nil {
			return fmt.Errorf("register guarded %s transport: %w", scheme, err)
		}
	}
	return nil
})

func defaultLimits() guardLimits {
	return guardLimits{
		frames:    frameLimits{maxMessage: maxMessageSize, maxCommand: maxCommandSize},
		handshake: handshakeTimeout,
		write:     writeTimeout,
	}
}

// guardLimits are the guard's bounds; tests use smaller ones.
type guardLimits struct {
	frames    frameLimits
	handshake time.Duration
	write     time.Duration
}

// guardEndpoint turns an endpoint such as "tcp://127.0.0.1:5555" into the
// guarded one zmq4 should bind.
func guardEndpoint(transport, endpoint string) (string, error) {
	if err := registerGuard(); err != nil {
		return "", err
	}
	scheme, ok := guardedSchemes[transport]
	if !ok {
		return "", fmt.Errorf("transport %q is not supported", transport)
	}
	return scheme + endpoint[len(transport):], nil
}

// guardTransport is a zmq4 transport whose listeners are guarded.
type guardTransport struct {
	base transport.Transport
	lim  guardLimits
}

func (t guardTransport) Dial(ctx context.Context, d transport.Dialer, addr string) (net.Conn, error) {
	return t.base.Dial(ctx, d, addr)
}

func (t guardTransport) Listen(ctx context.Context, addr string) (net.Listener, error) {
	l, err := t.base.Listen(ctx, addr)
	if err != nil {
		return nil, err
	}
	hook, _ := ctx.Value(subscribeHookKey{}).(func(topic []byte))
	return newGuardListener(l, t.lim, hook), nil
}

// subscribeHookKey is the context key under which a socket's context
// carries the function the guard calls when a peer's subscription is in
// effect (see guardConn.Read).
type subscribeHookKey struct{}

func (t guardTransport) Addr(ep string) (string, error) { return t.base.Addr(ep) }

// guardListener accepts connections in the background and passes on those
// whose peer sent a ZMTP signature within the handshake timeout.
type guardListener struct {
	net.Listener
	lim   guardLimits
	ready chan net.Conn
	done  chan struct{}
	close sync.Once

	mu      sync.Mutex
	pending map[net.Conn]struct{} // accepted, signature not yet read

	onSubscribe func(topic []byte) // nil: subscriptions are not watched
}

func newGuardListener(l net.Listener, lim guardLimits, onSubscribe func(topic []byte)) *guardListener {
	g := &guardListener{
		Listener:    l,
		lim:         lim,
		onSubscribe: onSubscribe,
		ready:       make(chan net.Conn),
		done:        make(chan struct{}),
		pending:     make(map[net.Conn]struct{}),
	}
	go g.acceptLoop()
	return g
}

func (g *guardListener) acceptLoop() {
	for {
		c, err := g.Listener.Accept()
		if err != nil {
			select {
			case <-g.done:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: wait rather than spin.
			select {
			case <-g.done:
				return
			case <-time.After(50 * time.Millisecond):
			}
			continue
		}
		g.mu.Lock()
		g.pending[c] = struct{}{}
		g.mu.Unlock()
		go g.vet(c)
	}
}

// vet runs the peer's half of the handshake (see the top of this file) and
// passes the connection on if it is sound.
func (g *guardListener) vet(c net.Conn) {
	defer func() {
		g.mu.Lock()
		delete(g.pending, c)
		g.mu.Unlock()
	}()
	prefix, err := readHandshake(c, g.lim)
	if err != nil {
		c.Close()
		return
	}
	gc := newGuardConn(c, prefix, g.lim)
	if g.onSubscribe != nil {
		gc.onSubscribe = g.onSubscribe
		gc.parser.watchSubs = true
	}
	// zmq4 abandons, without closing it, a connection whose peer it refuses
	// (say, an incompatible socket type): unless zmq4 reads past the
	// handshake in time, close it.
	gc.adopt = time.AfterFunc(g.lim.handshake, func() { c.Close() })
	select {
	case g.ready <- gc:
	case <-g.done:
		gc.adopt.Stop()
		c.Close()
	}
}

// readHandshake sends zmq4's greeting to the peer and returns the peer's
// greeting and READY command, checked, as the bytes zmq4 will read.
func readHandshake(c net.Conn, lim guardLimits) ([]byte, error) {
	if err := c.SetDeadline(time.Now().Add(lim.handshake)); err != nil {
		return nil, err
	}
	buf := make([]byte, greetingLen, greetingLen+9+64)
	// ZMTP peers send their signature before they wait for ours (libzmq
	// then waits for our version byte before it sends the rest).
	if _, err := io.ReadFull(c, buf[:signatureLen]); err != nil {
		return nil, err
	}
	if buf[0] != 0xFF || buf[signatureLen-1] != 0x7F {
		return nil, guardError("ZMTP: not a ZMTP signature")
	}
	if _, err := c.Write(zmq4Greeting()); err != nil {
		return nil, err
	}
	if _, err := io.ReadFull(c, buf[signatureLen:]); err != nil {
		return nil, err
	}
	if buf[10] < 3 || asciiz(buf[12:32]) != "NULL" {
		return nil, guardError("ZMTP: peer wants a version before 3.0 or a security mechanism other than NULL")
	}
	// The READY command: flags, a 1- or 8-byte size, the body.
	var head [9]byte
	if _, err := io.ReadFull(c, head[:2]); err != nil {
		return nil, err
	}
	if head[0]&flagCommand == 0 {
		return nil, guardError("ZMTP: the peer did not start with a command")
	}
	size, hlen := uint64(head[1]), 2
	if head[0]&flagLong != 0 {
		if _, err := io.ReadFull(c, head[2:9]); err != nil {
			return nil, err
		}
		size, hlen = binary.BigEndian.Uint64(head[1:9]), 9
	}
	if size > lim.frames.maxCommand {
		return nil, guardError(fmt.Sprintf("ZMTP: command frame of %d bytes exceeds the %d-byte limit", size, lim.frames.maxCommand))
	}
	body := make([]byte, size)
	if _, err := io.ReadFull(c, body); err != nil {
		return nil, err
	}
	if err := checkCommand(body); err != nil {
		return nil, err
	}
	if err := c.SetDeadline(time.Time{}); err != nil {
		return nil, err
	}
	buf = append(buf, head[:hlen]...)
	return append(buf, body...), nil
}

// zmq4Greeting is the greeting a zmq4 socket that listens sends: ZMTP 3.0,
// the NULL mechanism, as-server 0.
func zmq4Greeting() []byte {
	g := make([]byte, greetingLen)
	g[0], g[signatureLen-1], g[10], g[11] = 0xFF, 0x7F, 3, 0
	copy(g[12:32], "NULL")
	return g
}

// asciiz returns b up to its first zero byte.
func asciiz(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

func (g *guardListener) Accept() (net.Conn, error) {
	select {
	case c := <-g.ready:
		return c, nil
	case <-g.done:
		return nil, net.ErrClosed
	}
}

func (g *guardListener) Close() error {
	err := net.ErrClosed
	g.close.Do(func() {
		close(g.done)
		err = g.Listener.Close()
		g.mu.Lock()
		for c := range g.pending {
			c.Close()
		}
		g.mu.Unlock()
	})
	return err
}

// guardConn checks what the peer sends (see zmtpParser) and bounds how long
// a write to it may block.
type guardConn struct {
	net.Conn
	lim     guardLimits
	parser  *zmtpParser
	pending []byte      // the peer's handshake, checked, not yet read by zmq4
	swallow []byte      // the greeting readHandshake sent on zmq4's behalf
	adopt   *time.Timer // closes the connection if zmq4 abandons it

	onSubscribe func(topic []byte)
}

// newGuardConn wraps c, whose peer sent prefix (greeting and READY) and got
// zmq4's greeting from readHandshake.
func newGuardConn(c net.Conn, prefix []byte, lim guardLimits) *guardConn {
	g := &guardConn{Conn: c, lim: lim, parser: newZMTPParser(lim.frames), pending: prefix, swallow: zmq4Greeting()}
	_ = g.parser.feed(prefix) // checked by readHandshake already
	return g
}

func (g *guardConn) Read(b []byte) (int, error) {
	if len(g.pending) > 0 {
		n := copy(b, g.pending)
		g.pending = g.pending[n:]
		return n, nil
	}
	if len(g.parser.subs) > 0 {
		// zmq4 reads each message exactly and handles it before it reads
		// on, so the subscriptions in what it has read are in effect now:
		// a message published from here on reaches this peer.
		for _, topic := range g.parser.subs {
			g.onSubscribe(topic)
		}
		g.parser.subs = g.parser.subs[:0]
	}
	if g.adopt != nil {
		// zmq4 reads past the handshake only once it has adopted the connection.
		g.adopt.Stop()
		g.adopt = nil
	}
	n, err := g.Conn.Read(b)
	if n > 0 {
		if perr := g.parser.feed(b[:n]); perr != nil {
			g.Conn.Close()
			return 0, perr
		}
	}
	return n, err
}

func (g *guardConn) Write(b []byte) (int, error) {
	written := 0
	if len(g.swallow) > 0 {
		// zmq4's own greeting: the peer has it already.
		k := min(len(b), len(g.swallow))
		if !bytes.Equal(b[:k], g.swallow[:k]) {
			g.Conn.Close()
			return 0, guardError("ZMTP: zmq4's greeting differs from the one the guard sent for it")
		}
		g.swallow = g.swallow[k:]
		b = b[k:]
		written = k
		if len(b) == 0 {
			return written, nil
		}
	}
	_ = g.Conn.SetWriteDeadline(time.Now().Add(g.lim.write))
	n, err := g.Conn.Write(b)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		// The peer stopped reading. A partial frame is on the wire, so the
		// connection is unusable anyway: drop it and let the peer reconnect.
		g.Conn.Close()
		return written + n, guardError("ZMTP: peer did not read for " + g.lim.write.String())
	}
	return written + n, err
}

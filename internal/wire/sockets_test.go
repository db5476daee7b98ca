package wire

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/go-zeromq/zmq4/transport"
)

func TestKernelInfoOverZMQ(t *testing.T) {
	for _, transport := range []string{"tcp", "ipc"} {
		t.Run(transport, func(t *testing.T) {
			info := testInfo(t, "secret-key")
			if transport == "ipc" {
				info.Transport, info.IP = "ipc", filepath.Join(t.TempDir(), "k")
				info.ShellPort, info.IOPubPort, info.StdinPort, info.ControlPort, info.HBPort = 1, 2, 3, 4, 5
			}
			startTestKernel(t, info)
			c := dialTestClient(t, info, info.Key)
			c.syncIOPub()
			frames, id := c.request("kernel_info_request", nil)
			c.sendFrames(c.shell, frames)
			rep := c.recv(c.shellIn)
			if rep.Header.MsgType != "kernel_info_reply" || rep.ParentHeader.MsgID != id {
				t.Fatalf("got %s with parent %q, want kernel_info_reply to %q", rep.Header.MsgType, rep.ParentHeader.MsgID, id)
			}
			var content struct {
				Status string `json:"status"`
				Banner string `json:"banner"`
			}
			if err := rep.DecodeContent(&content); err != nil {
				t.Fatal(err)
			}
			if content.Status != "ok" || content.Banner != testBanner {
				t.Errorf("content %+v", content)
			}
			c.waitStatus(id, "busy")
			c.waitStatus(id, "idle")
		})
	}
}

func TestSocketsDropBadMessages(t *testing.T) {
	info := testInfo(t, "the-key")
	k := startTestKernel(t, info)
	c := dialTestClient(t, info, info.Key)
	wrong, _ := NewSigner("hmac-sha256", "not-the-key")
	unsigned, _ := NewSigner("hmac-sha256", "")

	var dropped []string
	for _, s := range []*Signer{wrong, unsigned} {
		m, _ := NewMessage("kernel_info_request", c.session, nil)
		frames, err := Encode(m, s)
		if err != nil {
			t.Fatal(err)
		}
		c.sendFrames(c.shell, frames)
		dropped = append(dropped, m.Header.MsgID)
	}
	c.sendFrames(c.shell, [][]byte{[]byte("no delimiter")})
	c.sendFrames(c.shell, [][]byte{[]byte(Delimiter), []byte("sig")})
	good, goodID := c.request("kernel_info_request", nil)
	c.sendFrames(c.shell, good)
	c.sendFrames(c.shell, good) // a replay
	last, lastID := c.request("kernel_info_request", nil)
	c.sendFrames(c.shell, last)

	// Replies come in order: one to good, then one to last.
	for _, want := range []string{goodID, lastID} {
		if rep := c.recv(c.shellIn); rep.ParentHeader.MsgID != want {
			t.Fatalf("reply to %s, want %s", rep.ParentHeader.MsgID, want)
		}
	}
	seen := k.seenIDs()
	for _, id := range dropped {
		if slices.Contains(seen, id) {
			t.Errorf("the kernel accepted %s", id)
		}
	}
	if n := strings.Count(strings.Join(seen, " "), goodID); n != 1 {
		t.Errorf("the kernel accepted %s %d times, want once", goodID, n)
	}
}

// TestStdinRoutesToShellIdentity follows an input_request: the kernel
// answers a shell request on the stdin channel with the shell request's
// identities, and the client's stdin socket (same identity) gets it.
func TestStdinRoutesToShellIdentity(t *testing.T) {
	info := testInfo(t, "k")
	s, err := Listen(context.Background(), info, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := dialTestClient(t, info, info.Key)
	frames, id := c.request("execute_request", map[string]any{"code": "fmt.Scanln(&x)", "allow_stdin": true})
	c.sendFrames(c.shell, frames)
	req, err := s.Shell.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if len(req.Identities) != 1 || string(req.Identities[0]) != c.identity {
		t.Fatalf("identities %q, want the client's %q", req.Identities, c.identity)
	}
	ask, err := NewReply(req, "input_request", map[string]any{"prompt": "x? ", "password": false})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Stdin.Send(ask); err != nil {
		t.Fatal(err)
	}
	got := c.recv(c.stdinIn)
	if got.Header.MsgType != "input_request" || got.ParentHeader.MsgID != id {
		t.Fatalf("stdin got %s (parent %s)", got.Header.MsgType, got.ParentHeader.MsgID)
	}
	answer, _ := c.request("input_reply", map[string]string{"value": "42"})
	c.sendFrames(c.stdin, answer)
	rep, err := s.Stdin.Recv()
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Value string `json:"value"`
	}
	if err := rep.DecodeContent(&v); err != nil || v.Value != "42" {
		t.Fatalf("input_reply %+v, %v", v, err)
	}
}

func TestHeartbeatEcho(t *testing.T) {
	info := testInfo(t, "")
	startTestKernel(t, info)
	c := dialTestClient(t, info, "")
	for i := range 3 {
		ping := []byte("ping " + strconv.Itoa(i))
		if err := c.hb.Send(zmq4.NewMsg(ping)); err != nil {
			t.Fatal(err)
		}
		done := make(chan zmq4.Msg, 1)
		go func() { m, _ := c.hb.Recv(); done <- m }()
		select {
		case m := <-done:
			if len(m.Frames) != 1 || !bytes.Equal(m.Frames[0], ping) {
				t.Fatalf("echo %q, want %q", m.Frames, ping)
			}
		case <-time.After(hangLimit):
			t.Fatal("no heartbeat echo")
		}
	}
}

func TestCloseEndsRecvAndSend(t *testing.T) {
	info := testInfo(t, "k")
	s, err := Listen(context.Background(), info, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := dialTestClient(t, info, info.Key) // connected peers must not hold Close up
	_ = c
	errs := make(chan error, 3)
	for _, ch := range []*Channel{s.Shell, s.Control, s.Stdin} {
		go func() { _, err := ch.Recv(); errs <- err }()
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close = %v", err)
		}
	case <-time.After(hangLimit):
		t.Fatal("Close did not return")
	}
	for range 3 {
		select {
		case err := <-errs:
			if !errors.Is(err, ErrClosed) {
				t.Errorf("Recv after Close = %v, want ErrClosed", err)
			}
		case <-time.After(hangLimit):
			t.Fatal("Recv did not return after Close")
		}
	}
	m, _ := NewMessage("status", "s", nil)
	if err := s.IOPub.Send(m); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after Close = %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	// The ports are free again.
	s2, err := Listen(context.Background(), info, nil)
	if err != nil {
		t.Fatalf("Listen after Close: %v", err)
	}
	s2.Close()
}

func TestListenContextCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := Listen(ctx, testInfo(t, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	errc := make(chan error, 1)
	go func() { _, err := s.Shell.Recv(); errc <- err }()
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, ErrClosed) {
			t.Errorf("Recv = %v, want ErrClosed", err)
		}
	case <-time.After(hangLimit):
		t.Fatal("Recv did not return after the context ended")
	}
}

func TestListenErrors(t *testing.T) {
	info := testInfo(t, "")
	busy, err := net.Listen("tcp", net.JoinHostPort(info.IP, strconv.Itoa(info.StdinPort)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Listen(context.Background(), info, nil)
	if err == nil || !strings.Contains(err.Error(), "bind stdin to "+info.Endpoint(info.StdinPort)) {
		t.Fatalf("Listen with stdin's port taken = %v", err)
	}
	busy.Close()
	// The sockets bound before the failure were closed.
	s, err := Listen(context.Background(), info, nil)
	if err != nil {
		t.Fatalf("Listen after the port was freed: %v", err)
	}
	s.Close()

	bad := *info
	bad.HBPort = bad.ShellPort
	if _, err := Listen(context.Background(), &bad, nil); err == nil || !strings.Contains(err.Error(), "both") {
		t.Errorf("Listen with duplicate ports = %v", err)
	}
	if _, err := Listen(context.Background(), nil, nil); err == nil {
		t.Error("Listen(nil) succeeded")
	}
}

func TestChannelSendChecks(t *testing.T) {
	s, err := Listen(context.Background(), testInfo(t, ""), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, _ := NewMessage("status", "s", nil)
	if err := s.Shell.Send(m); err == nil || !strings.Contains(err.Error(), "no identities") {
		t.Errorf("Send without identities on shell = %v", err)
	}
	if err := s.IOPub.Send(m); err != nil {
		t.Errorf("Send on iopub without subscribers = %v", err)
	}
	if _, err := s.IOPub.Recv(); err == nil {
		t.Error("Recv on iopub succeeded")
	}
	if err := s.Shell.Send(&Message{Identities: [][]byte{[]byte("x")}}); err == nil {
		t.Error("Send of a message without a header succeeded")
	}
}

// rawPeer opens a TCP connection and sends the given bytes.
func rawPeer(t *testing.T, port int, data ...[]byte) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	for _, d := range data {
		if _, err := conn.Write(d); err != nil {
			t.Fatalf("raw peer write: %v", err)
		}
	}
	return conn
}

// TestGuardHostilePeers connects peers that would crash or block an
// unguarded zmq4 socket, checks that the guard drops them, and that the
// kernel serves a real client all the while.
func TestGuardHostilePeers(t *testing.T) {
	info := testInfo(t, "k")
	startTestKernel(t, info)
	dealerReady := zmtpFrame(flagCommand, readyBody("Socket-Type", "DEALER"))
	badReady := zmtpFrame(flagCommand, append(readyBody(), 1, 'a')) // zmq4 panics on it
	huge := binary8(flagLong|flagMore, 1<<62)

	// Peers that stall the handshake; the guard drops them after its
	// timeout, and meanwhile they must not hold anyone else up.
	rawPeer(t, info.ShellPort)
	rawPeer(t, info.ShellPort, zmq4Greeting()[:signatureLen])
	rawPeer(t, info.ShellPort, zmq4Greeting())

	// Peers the guard must drop at once.
	dropped := []net.Conn{
		rawPeer(t, info.ShellPort, []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n")),
		rawPeer(t, info.ShellPort, zmq4Greeting(), badReady),
		rawPeer(t, info.ShellPort, zmq4Greeting(), dealerReady, huge),
		rawPeer(t, info.IOPubPort, zmq4Greeting(), badReady),
		rawPeer(t, info.HBPort, zmq4Greeting(), zmtpFrame(flagCommand, readyBody("Socket-Type", "REQ")), huge),
	}
	for i, conn := range dropped {
		conn.SetReadDeadline(time.Now().Add(hangLimit))
		_, err := io.Copy(io.Discard, conn)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			t.Errorf("hostile peer %d is still connected", i)
		}
	}

	c := dialTestClient(t, info, info.Key)
	frames, id := c.request("kernel_info_request", nil)
	c.sendFrames(c.shell, frames)
	if rep := c.recv(c.shellIn); rep.ParentHeader.MsgID != id {
		t.Fatalf("reply to %s, want %s", rep.ParentHeader.MsgID, id)
	}
}

// shortGuard registers, once per test binary, a guarded transport with
// short timeouts.
var shortGuard = sync.OnceValue(func() error {
	lim := defaultLimits()
	lim.handshake, lim.write = 100*time.Millisecond, 100*time.Millisecond
	return zmq4.RegisterTransport("conclab-test-tcp", guardTransport{base: transport.New("tcp"), lim: lim})
})

// TestGuardDropsRefusedPeer: zmq4 abandons, without closing it, a
// connection from a peer of an incompatible type; the guard closes it.
func TestGuardDropsRefusedPeer(t *testing.T) {
	if err := shortGuard(); err != nil {
		t.Fatal(err)
	}
	port := freePorts(t, 1)[0]
	sock := zmq4.NewRouter(context.Background(), zmq4.WithLogger(log.New(io.Discard, "", 0)))
	defer sock.Close()
	if err := sock.Listen("conclab-test-tcp://127.0.0.1:" + strconv.Itoa(port)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data [][]byte
	}{
		{"incompatible type", [][]byte{zmq4Greeting(), zmtpFrame(flagCommand, readyBody("Socket-Type", "PUB"))}},
		{"silent", nil},
		{"stalls after the greeting", [][]byte{zmq4Greeting()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn := rawPeer(t, port, tt.data...)
			conn.SetReadDeadline(time.Now().Add(hangLimit))
			_, err := io.Copy(io.Discard, conn)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatal("the peer is still connected")
			}
		})
	}
}

func binary8(flags byte, size uint64) []byte {
	b := []byte{flags}
	for i := 7; i >= 0; i-- {
		b = append(b, byte(size>>(8*i)))
	}
	return b
}

// TestIOPubSlowSubscriber: a subscriber that never reads costs only
// itself. IOPub.Send never waits for it, and a healthy subscriber gets every
// message, in order and at once, while the stalled one is still connected
// (well before the guard's write timeout would drop it), also when more
// messages go by than the high-water mark, past which the stalled
// subscriber's own are dropped.
func TestIOPubSlowSubscriber(t *testing.T) {
	tests := []struct {
		name  string
		hwm   int // iopub's high-water mark
		n     int // messages published
		size  int // bytes of text each
		batch int // the healthy subscriber must have each batch within catchUp
	}{
		{"large messages", pubHighWaterMark, 80, 256 << 10, 20},
		{"more than the high-water mark", 200, 1000, 16 << 10, 100},
	}
	const catchUp = 5 * time.Second // the guard's write timeout is 10s
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := testInfo(t, "")
			s, err := listen(context.Background(), info, nil, tt.hwm)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			// A SUB that subscribes to everything, then never reads.
			rawPeer(t, info.IOPubPort, zmq4Greeting(), zmtpFrame(flagCommand, readyBody("Socket-Type", "SUB")), zmtpFrame(0, []byte{1}))
			healthy := dialTestClient(t, info, "")
			for range 2 {
				select {
				case <-s.Subscriptions():
				case <-time.After(hangLimit):
					t.Fatal("subscriptions never arrived")
				}
			}

			text := strings.Repeat("x", tt.size)
			for first := 0; first < tt.n; first += tt.batch {
				last := min(first+tt.batch, tt.n)
				start := time.Now()
				for i := first; i < last; i++ {
					m, _ := NewMessage("stream", strconv.Itoa(i), map[string]string{"name": "stdout", "text": text})
					if err := s.IOPub.Send(m); err != nil {
						t.Fatal(err)
					}
				}
				if took := time.Since(start); took > catchUp {
					t.Fatalf("sending messages %d..%d took %v: IOPub.Send waits for the stalled subscriber", first, last-1, took)
				}
				for i := first; i < last; i++ {
					m := recvWithin(healthy.iopubIn, catchUp)
					if m == nil {
						t.Fatalf("the healthy subscriber got %d of %d messages, then nothing for %v", i, tt.n, catchUp)
					}
					if m.Header.Session != strconv.Itoa(i) {
						t.Fatalf("the healthy subscriber got message %s, want %d", m.Header.Session, i)
					}
				}
			}
		})
	}
}

// A subscriber is reported once its subscription is in effect: a message
// published right after the report reaches it (what iopub_welcome relies on).
func TestSubscriptionReportedWhenInEffect(t *testing.T) {
	info := testInfo(t, "key")
	k := startTestKernel(t, info)
	for round := range 3 {
		c := dialTestClient(t, info, "key")
		select {
		case topic := <-k.sockets.Subscriptions():
			if topic != "" {
				t.Fatalf("topic = %q, want the empty topic", topic)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: no subscription reported", round)
		}
		w, err := NewMessage("iopub_welcome", "kernel-session", map[string]string{"subscription": ""})
		if err != nil {
			t.Fatal(err)
		}
		if err := k.sockets.IOPub.Send(w); err != nil {
			t.Fatal(err)
		}
		m := recvWithin(c.iopubIn, 5*time.Second)
		if m == nil || m.Header.MsgType != "iopub_welcome" {
			t.Fatalf("round %d: the message published after the report did not arrive: %+v", round, m)
		}
	}
}

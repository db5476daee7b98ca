package wire

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// hangLimit bounds how long a test waits for something that must happen
// (a reply, a Close): it catches deadlocks, it does not measure speed.
const hangLimit = 60 * time.Second

// freePorts returns n distinct TCP ports that were free a moment ago.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("free port: %v", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// testInfo returns connection info for 127.0.0.1 with free ports.
func testInfo(t *testing.T, key string) *ConnectionInfo {
	p := freePorts(t, 5)
	return &ConnectionInfo{
		Transport: "tcp", IP: "127.0.0.1",
		ShellPort: p[0], IOPubPort: p[1], StdinPort: p[2], ControlPort: p[3], HBPort: p[4],
		Key: key, SignatureScheme: "hmac-sha256", KernelName: "conclab-test",
	}
}

// testBanner is the test kernel's banner: non-ASCII text and characters
// that Go's JSON encoder escapes by default.
const testBanner = "wire \u2713 <b>&"

// testKernel is a minimal kernel: it answers kernel_info_request on shell
// and control with a reply between busy and idle statuses on iopub, and
// records every message its channels accepted.
type testKernel struct {
	t       *testing.T
	sockets *Sockets
	session string

	mu   sync.Mutex
	seen []*Message
	wg   sync.WaitGroup
}

func startTestKernel(t *testing.T, info *ConnectionInfo) *testKernel {
	t.Helper()
	s, err := Listen(context.Background(), info, nil)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	k := &testKernel{t: t, sockets: s, session: "kernel-session"}
	for _, ch := range []*Channel{s.Shell, s.Control, s.Stdin} {
		k.wg.Add(1)
		go func() { defer k.wg.Done(); k.serve(ch) }()
	}
	t.Cleanup(func() {
		s.Close()
		k.wg.Wait()
	})
	return k
}

func (k *testKernel) serve(ch *Channel) {
	for {
		req, err := ch.Recv()
		if err != nil {
			if !errors.Is(err, ErrClosed) {
				k.t.Errorf("%s Recv returned %v, want ErrClosed", ch.Name(), err)
			}
			return
		}
		k.mu.Lock()
		k.seen = append(k.seen, req)
		k.mu.Unlock()
		if req.Header.MsgType != "kernel_info_request" {
			continue
		}
		k.publish(req, "status", map[string]string{"execution_state": "busy"})
		rep, err := NewReply(req, "kernel_info_reply", map[string]any{
			"status": "ok", "protocol_version": ProtocolVersion, "implementation": "wire-test",
			"implementation_version": "0", "banner": testBanner,
			"language_info": map[string]any{"name": "go", "version": "1", "mimetype": "text/x-go", "file_extension": ".go"},
		})
		if err == nil {
			err = ch.Send(rep)
		}
		if err != nil && !errors.Is(err, ErrClosed) {
			k.t.Errorf("kernel_info_reply: %v", err)
		}
		k.publish(req, "status", map[string]string{"execution_state": "idle"})
	}
}

func (k *testKernel) publish(parent *Message, msgType string, content any) {
	m, err := NewReply(parent, msgType, content)
	if err != nil {
		k.t.Errorf("publish %s: %v", msgType, err)
		return
	}
	m.Identities = nil // iopub: the topic defaults to the msg_type
	if err := k.sockets.IOPub.Send(m); err != nil && !errors.Is(err, ErrClosed) {
		k.t.Errorf("publish %s: %v", msgType, err)
	}
}

// seenIDs returns the msg_ids of the messages the kernel accepted.
func (k *testKernel) seenIDs() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	var ids []string
	for _, m := range k.seen {
		ids = append(ids, m.Header.MsgID)
	}
	return ids
}

// message returns the accepted message with msg_id id, or nil.
func (k *testKernel) message(id string) *Message {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, m := range k.seen {
		if m.Header.MsgID == id {
			return m
		}
	}
	return nil
}

// testClient is a Go client of a test kernel over zmq4: a DEALER on shell
// (and one with the same identity on stdin, as jupyter_client does), a SUB
// on iopub and a REQ on the heartbeat.
type testClient struct {
	t                   *testing.T
	signer              *Signer
	shell, stdin, iopub zmq4.Socket
	hb                  zmq4.Socket
	shellIn, stdinIn    <-chan *Message
	iopubIn             <-chan *Message
	ctx                 context.Context
	session, identity   string
}

func dialTestClient(t *testing.T, info *ConnectionInfo, key string) *testClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	signer, err := NewSigner(info.SignatureScheme, key)
	if err != nil {
		t.Fatal(err)
	}
	c := &testClient{t: t, signer: signer, ctx: ctx, session: "client-session", identity: "client-identity"}
	id := zmq4.WithID(zmq4.SocketIdentity(c.identity))
	c.shell = zmq4.NewDealer(ctx, id)
	c.stdin = zmq4.NewDealer(ctx, id)
	c.iopub = zmq4.NewSub(ctx)
	c.hb = zmq4.NewReq(ctx)
	t.Cleanup(func() {
		cancel()
		for _, s := range []zmq4.Socket{c.shell, c.stdin, c.iopub, c.hb} {
			s.Close()
		}
	})
	for _, d := range []struct {
		s    zmq4.Socket
		port int
	}{{c.shell, info.ShellPort}, {c.stdin, info.StdinPort}, {c.iopub, info.IOPubPort}, {c.hb, info.HBPort}} {
		if err := d.s.Dial(info.Endpoint(d.port)); err != nil {
			t.Fatalf("dial %s: %v", info.Endpoint(d.port), err)
		}
	}
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	c.shellIn, c.stdinIn, c.iopubIn = c.pump(c.shell), c.pump(c.stdin), c.pump(c.iopub)
	return c
}

// request builds a signed request frame list (without routing identities:
// the DEALER adds none) and returns it with its msg_id.
func (c *testClient) request(msgType string, content any) ([][]byte, string) {
	c.t.Helper()
	m, err := NewMessage(msgType, c.session, content)
	if err != nil {
		c.t.Fatal(err)
	}
	frames, err := Encode(m, c.signer)
	if err != nil {
		c.t.Fatal(err)
	}
	return frames, m.Header.MsgID
}

func (c *testClient) sendFrames(s zmq4.Socket, frames [][]byte) {
	c.t.Helper()
	if err := s.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

// pump decodes what s receives into a channel until the client closes.
func (c *testClient) pump(s zmq4.Socket) <-chan *Message {
	ch := make(chan *Message, 1024)
	go func() {
		defer close(ch)
		for {
			zm, err := s.Recv()
			if c.ctx.Err() != nil {
				return
			}
			if err != nil {
				return // the kernel closed the connection
			}
			m, err := Decode(zm.Frames, c.signer)
			if err != nil {
				c.t.Errorf("client decode: %v", err)
				continue
			}
			ch <- m
		}
	}()
	return ch
}

// recv returns the next message from ch, or nil after wait.
func recvWithin(ch <-chan *Message, wait time.Duration) *Message {
	select {
	case m := <-ch:
		return m
	case <-time.After(wait):
		return nil
	}
}

// recv returns the next message from ch, failing the test after hangLimit.
func (c *testClient) recv(ch <-chan *Message) *Message {
	c.t.Helper()
	m := recvWithin(ch, hangLimit)
	if m == nil {
		c.t.Fatal("no message from the kernel")
	}
	return m
}

// syncIOPub sends kernel_info_requests until a status message reaches the
// subscriber, since a SUB misses what is published before it subscribes,
// then drains shell and iopub.
func (c *testClient) syncIOPub() {
	c.t.Helper()
	deadline := time.Now().Add(hangLimit)
	for time.Now().Before(deadline) {
		frames, _ := c.request("kernel_info_request", nil)
		c.sendFrames(c.shell, frames)
		c.recv(c.shellIn)
		if recvWithin(c.iopubIn, 200*time.Millisecond) != nil {
			for recvWithin(c.iopubIn, 200*time.Millisecond) != nil {
			}
			return
		}
	}
	c.t.Fatal("iopub never delivered a status message")
}

// waitStatus reads iopub until a status message whose parent is msgID has
// execution_state state.
func (c *testClient) waitStatus(msgID, state string) {
	c.t.Helper()
	for {
		m := c.recv(c.iopubIn)
		if m.Header.MsgType != "status" || m.ParentHeader.MsgID != msgID {
			continue
		}
		var st struct {
			State string `json:"execution_state"`
		}
		if err := json.Unmarshal(m.Content, &st); err != nil {
			c.t.Fatal(err)
		}
		if st.State == state {
			return
		}
	}
}

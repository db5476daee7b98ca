package wire

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// zmtpFrame encodes one frame with the given flags (the long flag is added
// when the body needs it).
func zmtpFrame(flags byte, body []byte) []byte {
	if len(body) > 255 {
		var size [8]byte
		binary.BigEndian.PutUint64(size[:], uint64(len(body)))
		return append(append([]byte{flags | flagLong}, size[:]...), body...)
	}
	return append([]byte{flags, byte(len(body))}, body...)
}

// readyBody is a READY command body with the given properties.
func readyBody(props ...string) []byte {
	b := append([]byte{byte(len(readyCommand))}, readyCommand...)
	for i := 0; i+1 < len(props); i += 2 {
		b = append(b, byte(len(props[i])))
		b = append(b, props[i]...)
		b = binary.BigEndian.AppendUint32(b, uint32(len(props[i+1])))
		b = append(b, props[i+1]...)
	}
	return b
}

var testFrameLimits = frameLimits{maxMessage: 1000, maxCommand: 100}

func TestZMTPParser(t *testing.T) {
	ready := zmtpFrame(flagCommand, readyBody("Socket-Type", "DEALER", "Identity", "me"))
	long := func(size uint64) []byte {
		b := []byte{flagLong}
		return binary.BigEndian.AppendUint64(b, size)
	}
	stream := func(parts ...[]byte) []byte { return bytes.Join(append([][]byte{zmq4Greeting()}, parts...), nil) }
	tests := []struct {
		name      string
		stream    []byte
		errText   string
		handshook bool
	}{
		{"greeting only", stream(), "", false},
		{"handshake", stream(ready), "", true},
		{"messages", stream(ready, zmtpFrame(flagMore, []byte("id")), zmtpFrame(0, bytes.Repeat([]byte("x"), 900))), "", true},
		{"message at the limit", stream(ready, zmtpFrame(flagMore, make([]byte, 500)), zmtpFrame(0, make([]byte, 500))), "", true},
		{"limit is per message", stream(ready, zmtpFrame(0, make([]byte, 900)), zmtpFrame(0, make([]byte, 900))), "", true},
		{"huge frame announced", stream(ready, long(1<<62)), "exceeds the 1000-byte limit", true},
		{"max uint64 frame", stream(ready, long(^uint64(0))), "exceeds", true},
		{"multipart over the limit", stream(ready, zmtpFrame(flagMore, make([]byte, 600)), zmtpFrame(0, make([]byte, 401))), "exceeds the 1000-byte limit", true},
		{"big command", stream(zmtpFrame(flagCommand, make([]byte, 101))), "command frame of 101 bytes", false},
		{"message before handshake", stream(zmtpFrame(0, []byte("hi"))), "before the handshake", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Whole, and one byte at a time: the result must not depend on
			// how the stream is split.
			for _, chunk := range []int{len(tt.stream), 1, 7} {
				p := newZMTPParser(testFrameLimits)
				var err error
				for b := tt.stream; len(b) > 0 && err == nil; {
					n := min(chunk, len(b))
					err = p.feed(b[:n])
					b = b[n:]
				}
				if tt.errText == "" && err != nil {
					t.Fatalf("chunk %d: %v", chunk, err)
				}
				if tt.errText != "" && (err == nil || !strings.Contains(err.Error(), tt.errText)) {
					t.Fatalf("chunk %d: error %v, want one containing %q", chunk, err, tt.errText)
				}
				if p.handshook != tt.handshook {
					t.Errorf("chunk %d: handshook = %v", chunk, p.handshook)
				}
				var ne net.Error
				if err != nil && (!errors.As(err, &ne) || ne.Timeout()) {
					t.Errorf("error %T is not a non-timeout net.Error", err)
				}
			}
		})
	}
}

func TestCheckCommand(t *testing.T) {
	good := readyBody("Socket-Type", "ROUTER", "Identity", "")
	tests := []struct {
		name    string
		body    []byte
		errText string
	}{
		{"ready", good, ""},
		{"ready without properties", readyBody(), ""},
		{"other command", append([]byte{5}, "ERROR\x03bad"...), ""},
		{"empty", nil, "empty command"},
		{"name too long", []byte{9, 'R', 'E'}, "name runs past"},
		{"property name cut", append(readyBody(), 20, 'a'), "property name runs past"},
		{"value length cut", append(readyBody(), 1, 'a', 0, 0), "property name runs past"},
		{"value too long", append(readyBody(), 1, 'a', 0, 0, 0, 9, 'v'), "property value runs past"},
		{"value length huge", append(readyBody(), 1, 'a', 0xff, 0xff, 0xff, 0xff), "property value runs past"},
		{"trailing byte", append(bytes.Clone(good), 3), "property name runs past"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkCommand(tt.body)
			if tt.errText == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.errText) {
				t.Fatalf("error %v, want one containing %q", err, tt.errText)
			}
		})
	}
}

func TestReadHandshake(t *testing.T) {
	ready := zmtpFrame(flagCommand, readyBody("Socket-Type", "DEALER", "Identity", "alice"))
	greeting := zmq4Greeting()
	withByte := func(i int, v byte) []byte { g := bytes.Clone(greeting); g[i] = v; return g }
	plain := bytes.Clone(greeting)
	copy(plain[12:32], "PLAIN")
	tests := []struct {
		name     string
		greeting []byte
		rest     []byte // sent after the greeting
		errText  string
	}{
		{"ready", greeting, ready, ""},
		{"ready with a long size", greeting, append(binary.BigEndian.AppendUint64([]byte{flagCommand | flagLong}, uint64(len(ready)-2)), ready[2:]...), ""},
		{"not ZMTP", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + strings.Repeat(" ", 64)), nil, "not a ZMTP signature"},
		{"ZMTP 2", withByte(10, 1), ready, "version before 3.0"},
		{"PLAIN", plain, ready, "other than NULL"},
		{"message first", greeting, zmtpFrame(0, []byte("hi")), "did not start with a command"},
		{"command too big", greeting, binary.BigEndian.AppendUint64([]byte{flagCommand | flagLong}, 1<<40), "exceeds"},
		{"malformed READY", greeting, zmtpFrame(flagCommand, append(readyBody(), 1, 'a')), "runs past"},
		{"silent after the signature", greeting[:signatureLen], nil, "timeout"},
		{"silent after the greeting", greeting, nil, "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server, peer := net.Pipe()
			defer server.Close()
			defer peer.Close()
			lim := defaultLimits()
			lim.handshake = 200 * time.Millisecond
			go func() {
				// The peer: signature, then (once it has ours) the rest.
				peer.Write(tt.greeting[:signatureLen])
				got := make([]byte, greetingLen)
				if _, err := readFull(peer, got); err != nil {
					return
				}
				if !bytes.Equal(got, greeting) {
					t.Errorf("the guard sent greeting %x", got)
				}
				peer.Write(tt.greeting[signatureLen:])
				peer.Write(tt.rest)
			}()
			prefix, err := readHandshake(server, lim)
			if tt.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("readHandshake error = %v, want one containing %q", err, tt.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := append(bytes.Clone(tt.greeting), tt.rest...); !bytes.Equal(prefix, want) {
				t.Errorf("prefix %x, want %x", prefix, want)
			}
		})
	}
}

// TestZMQ4Greeting checks that zmq4Greeting is the greeting zmq4 really
// sends, since the guard sends it on zmq4's behalf.
func TestZMQ4Greeting(t *testing.T) {
	port := freePorts(t, 1)[0]
	ep := "tcp://127.0.0.1:" + strconv.Itoa(port)
	sock := zmq4.NewRouter(context.Background())
	defer sock.Close()
	if err := sock.Listen(ep); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", strings.TrimPrefix(ep, "tcp://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write(zmq4Greeting()); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, greetingLen)
	conn.SetReadDeadline(time.Now().Add(hangLimit))
	if _, err := readFull(conn, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, zmq4Greeting()) {
		t.Errorf("zmq4 sent greeting %x, want %x", got, zmq4Greeting())
	}
}

func TestGuardConnWrite(t *testing.T) {
	server, peer := net.Pipe()
	defer server.Close()
	defer peer.Close()
	lim := defaultLimits()
	lim.write = 20 * time.Millisecond
	g := newGuardConn(server, nil, lim)
	// zmq4's greeting is swallowed: the peer has it already, and nothing is
	// written (a write to the pipe would block, nobody reads it).
	if n, err := g.Write(zmq4Greeting()); err != nil || n != greetingLen {
		t.Fatalf("Write(greeting) = %d, %v", n, err)
	}
	// Nobody reads the peer end, so this write blocks until the deadline.
	_, err := g.Write([]byte("frame"))
	var ge guardError
	if !errors.As(err, &ge) || !strings.Contains(err.Error(), "did not read") {
		t.Fatalf("Write error = %v, want a guardError", err)
	}
	// The guard dropped the connection: the peer sees it closed.
	if _, err := peer.Read(make([]byte, 1)); err == nil {
		t.Error("the peer can still read after the write timed out")
	}
}

func TestGuardConnRejectsOtherGreeting(t *testing.T) {
	server, peer := net.Pipe()
	defer server.Close()
	defer peer.Close()
	g := newGuardConn(server, nil, defaultLimits())
	other := zmq4Greeting()
	other[11] = 1
	if _, err := g.Write(other); err == nil {
		t.Fatal("a greeting other than zmq4's was accepted")
	}
}

func TestGuardConnRead(t *testing.T) {
	prefix := append(zmq4Greeting(), zmtpFrame(flagCommand, readyBody("Socket-Type", "DEALER"))...)
	tests := []struct {
		name    string
		stream  []byte
		errText string
	}{
		{"message", bytes.Join([][]byte{zmtpFrame(flagMore, []byte(Delimiter)), zmtpFrame(0, bytes.Repeat([]byte("body"), 100))}, nil), ""},
		{"huge frame", binary.BigEndian.AppendUint64([]byte{flagLong}, 1<<62), "exceeds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server, peer := net.Pipe()
			defer server.Close()
			defer peer.Close()
			g := newGuardConn(server, prefix, defaultLimits())
			go peer.Write(tt.stream)
			want := append(bytes.Clone(prefix), tt.stream...)
			got := make([]byte, len(want))
			n, err := readFull(g, got)
			if tt.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("read error = %v, want one containing %q", err, tt.errText)
				}
				if n > len(prefix) {
					t.Errorf("the guard passed on %d bytes of a rejected frame", n-len(prefix))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Error("the guard changed the bytes it passed on")
			}
		})
	}
}

func readFull(c net.Conn, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		k, err := c.Read(b[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

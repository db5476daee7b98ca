package wire_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"

	"github.com/conclab/conclab/internal/wire"
)

func ExampleParseConnectionInfo() {
	info, err := wire.ParseConnectionInfo([]byte(`{
		"transport": "tcp", "ip": "127.0.0.1",
		"shell_port": 50001, "iopub_port": 50002, "stdin_port": 50003,
		"control_port": 50004, "hb_port": 50005,
		"key": "a0436f6c-1916-498b-8eb9-e81ab9368e84", "signature_scheme": "hmac-sha256"
	}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.Endpoint(info.ShellPort))
	fmt.Println(info) // the key is never printed
	// Output:
	// tcp://127.0.0.1:50001
	// tcp 127.0.0.1 shell=50001 iopub=50002 stdin=50003 control=50004 hb=50005 scheme=hmac-sha256 key=redacted
}

func ExampleSigner_Sign() {
	s, err := wire.NewSigner("hmac-sha256", "Jefe")
	if err != nil {
		log.Fatal(err)
	}
	// The signature covers header, parent_header, metadata and content, in
	// that order; here, the RFC 4231 test vector split in two.
	fmt.Printf("%s\n", s.Sign([]byte("what do ya want "), []byte("for nothing?")))
	// Output:
	// 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843
}

func ExampleDecode() {
	s, err := wire.NewSigner("hmac-sha256", "key")
	if err != nil {
		log.Fatal(err)
	}
	req, err := wire.NewMessage("kernel_info_request", "client-session", nil)
	if err != nil {
		log.Fatal(err)
	}
	req.Identities = [][]byte{[]byte("client")}
	frames, err := wire.Encode(req, s)
	if err != nil {
		log.Fatal(err)
	}
	m, err := wire.Decode(frames, s)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s from %s, %d frames\n", m.Header.MsgType, m.Identities[0], len(frames))

	// A frame changed in transit fails the signature check.
	frames[len(frames)-1] = []byte(`{"code":"os.Exit(1)"}`)
	_, err = wire.Decode(frames, s)
	fmt.Println(errors.Is(err, wire.ErrBadSignature))
	// Output:
	// kernel_info_request from client, 7 frames
	// true
}

func ExampleNewReply() {
	req, err := wire.NewMessage("complete_request", "client-session", map[string]any{"code": "fmt.Pr", "cursor_pos": 6})
	if err != nil {
		log.Fatal(err)
	}
	req.Identities = [][]byte{[]byte("client")}

	var c struct {
		Code      string `json:"code"`
		CursorPos int    `json:"cursor_pos"`
	}
	if err := req.DecodeContent(&c); err != nil {
		log.Fatal(err)
	}
	rep, err := wire.NewReply(req, "complete_reply", map[string]any{
		"status": "ok", "matches": []string{"Printf", "Println"},
		"cursor_start": c.CursorPos - 2, "cursor_end": c.CursorPos, "metadata": map[string]any{},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rep.ParentHeader.MsgID == req.Header.MsgID, rep.Header.Session, string(rep.Identities[0]))
	fmt.Println(string(rep.Content))
	// Output:
	// true client-session client
	// {"cursor_end":6,"cursor_start":4,"matches":["Printf","Println"],"metadata":{},"status":"ok"}
}

// ExampleListen shows a kernel's shell loop: answer each request and
// publish busy and idle around it.
func ExampleListen() {
	info, err := wire.ReadConnectionFile(os.Args[len(os.Args)-1])
	if err != nil {
		log.Fatal(err)
	}
	sockets, err := wire.Listen(context.Background(), info, slog.Default())
	if err != nil {
		log.Fatal(err)
	}
	defer sockets.Close()
	status := func(parent *wire.Message, state string) {
		m, err := wire.NewReply(parent, "status", map[string]string{"execution_state": state})
		if err == nil {
			m.Identities = nil // on iopub the topic is the msg_type
			err = sockets.IOPub.Send(m)
		}
		if err != nil {
			log.Print(err)
		}
	}
	for {
		req, err := sockets.Shell.Recv()
		if errors.Is(err, wire.ErrClosed) {
			return
		}
		status(req, "busy")
		if req.Header.MsgType == "kernel_info_request" {
			rep, err := wire.NewReply(req, "kernel_info_reply", map[string]any{"status": "ok", "protocol_version": wire.ProtocolVersion})
			if err == nil {
				err = sockets.Shell.Send(rep)
			}
			if err != nil {
				log.Print(err)
			}
		}
		status(req, "idle")
	}
}

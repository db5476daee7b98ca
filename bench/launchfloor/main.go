// Command launchfloor is the smallest Go kernel the bench can start: it binds
// the five sockets with conclab's wire package, answers kernel_info_request
// (with busy and idle on iopub) and exits on shutdown_request, and does
// nothing else. Its startup time is the floor of any Go kernel launched
// through jupyter_client on this machine: the client's own work (ports,
// connection file, process launch) plus the Go runtime and the ZMQ
// handshakes. The bench compares kernels' startup above it.
//
//	launchfloor CONNECTION_FILE
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/conclab/conclab/internal/wire"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: launchfloor CONNECTION_FILE")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "launchfloor:", err)
		os.Exit(1)
	}
}

func run(connFile string) error {
	info, err := wire.ReadConnectionFile(connFile)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := wire.Listen(ctx, info, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	go serve(s, s.Shell, cancel)
	go serve(s, s.Control, cancel)
	<-ctx.Done()
	return nil
}

// serve answers kernel_info and shutdown requests on ch until it closes.
func serve(s *wire.Sockets, ch *wire.Channel, stop context.CancelFunc) {
	for {
		req, err := ch.Recv()
		if err != nil {
			return
		}
		switch req.Header.MsgType {
		case "kernel_info_request":
			status(s, req, "busy")
			reply(ch, req, "kernel_info_reply", map[string]any{
				"status": "ok", "protocol_version": "5.3", "implementation": "launchfloor",
				"implementation_version": "0", "banner": "",
				"language_info": map[string]any{"name": "go", "file_extension": ".go"},
			})
			status(s, req, "idle")
		case "shutdown_request":
			reply(ch, req, "shutdown_reply", map[string]any{"status": "ok", "restart": false})
			stop()
			return
		}
	}
}

func reply(ch *wire.Channel, req *wire.Message, msgType string, content any) {
	if m, err := wire.NewReply(req, msgType, content); err == nil {
		ch.Send(m)
	}
}

func status(s *wire.Sockets, parent *wire.Message, state string) {
	if m, err := wire.NewReply(parent, "status", map[string]string{"execution_state": state}); err == nil {
		s.IOPub.Send(m)
	}
}

package kernel

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/conclab/conclab/internal/debugger"
	"github.com/conclab/conclab/internal/wire"
)

// findDlv is the dlv the debugger runs cells under: the one built beside
// the kernel's binary (make build, install.sh), else one on PATH; "" when
// there is none, and the kernel then says it has no debugger.
func findDlv() string {
	if exe, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(exe), "dlv")
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	if p, err := exec.LookPath("dlv"); err == nil {
		return p
	}
	return ""
}

// handleDebugRequest answers a debug_request (JupyterLab's debugger) on
// the control channel, so that it is answered while a cell is stopped at a
// breakpoint. Its content is a DAP request; a malformed one gets a DAP
// response that says what is wrong.
func (k *Kernel) handleDebugRequest(ctx context.Context, req *wire.Message, ch sender) error {
	m, err := debugger.ParseRequest(req.Content)
	if err != nil {
		var loose struct {
			Seq     int    `json:"seq"`
			Command string `json:"command"`
		}
		json.Unmarshal(req.Content, &loose)
		no := false
		return k.reply(ch, req, "debug_reply", debugger.Message{Type: "response", RequestSeq: loose.Seq,
			Command: loose.Command, Success: &no, Message: err.Error()})
	}
	if k.debug == nil || (k.dlv == "" && m.Command == "initialize") {
		no := false
		why := "this kernel has no debugger: it needs dlv beside the conclab binary (make build builds it) or on PATH"
		if m.Command == "debugInfo" && k.debug != nil {
			return k.reply(ch, req, "debug_reply", k.debug.Handle(ctx, m))
		}
		return k.reply(ch, req, "debug_reply", debugger.Message{Type: "response", RequestSeq: m.Seq,
			Command: m.Command, Success: &no, Message: why})
	}
	return k.reply(ch, req, "debug_reply", k.debug.Handle(ctx, m))
}

// DebugEvent publishes a Delve event of the cell's program as debug_event.
func (o *output) DebugEvent(content []byte) {
	o.k.publish(o.req, "debug_event", json.RawMessage(content))
}

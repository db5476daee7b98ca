package kernel

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/wire"
)

// TestOutput publishes each kind of cell output and compares the iopub
// messages with the golden file.
func TestOutput(t *testing.T) {
	tk := newTestKernel(t)
	req := request(t, "execute_request", `{"code": ""}`)
	out := newOutput(tk.Kernel, req)
	out.store, out.count = true, 7
	tk.history.add(7, "x")

	out.Stream("stdout", "hello\n")
	out.Stream("stderr", "careful\n")
	out.Display(display.Data{Data: map[string]any{"text/plain": "plain", "text/html": "<b>html</b>"}})
	out.Display(display.Data{Data: map[string]any{"text/plain": "with meta"}, Metadata: map[string]any{"isolated": true}})
	out.Display(display.Data{Data: map[string]any{"text/plain": "0%"}, DisplayID: "bar"})
	out.Display(display.Data{Data: map[string]any{"text/plain": "100%"}, DisplayID: "bar", Update: true})
	out.Result(map[string]any{"text/plain": "42"})
	out.close()
	checkGolden(t, "output", record(t, tk, tk.shell, req))

	if got := *tk.history.entries[0].output; got != "42" {
		t.Errorf("history output %q, want the result's text/plain", got)
	}
}

// TestOutputSilent: a silent cell shows no execute_result.
func TestOutputSilent(t *testing.T) {
	tk := newTestKernel(t)
	out := newOutput(tk.Kernel, request(t, "execute_request", `{"code": "", "silent": true}`))
	out.silent = true
	out.Result(map[string]any{"text/plain": "42"})
	out.close()
	if got := types(tk.iopub.sent()); len(got) != 0 {
		t.Errorf("silent cell published %v", got)
	}
}

// TestInput checks the input_request on stdin and that the input_reply's
// value comes back.
func TestInput(t *testing.T) {
	tk := newTestKernel(t)
	req := request(t, "execute_request", `{"code": ""}`)
	out := newOutput(tk.Kernel, req)
	out.allowStdin = true
	tk.inputs <- request(t, "input_reply", `{"value": "stale"}`) // from an earlier request: dropped
	reply := request(t, "input_reply", `{"value": "gopher"}`)
	asked := make(chan []*wire.Message, 1)
	go func() {
		for {
			if m := tk.stdin.sent(); len(m) > 0 {
				asked <- m
				tk.inputs <- reply
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	got, err := out.Input(context.Background(), "name? ", true)
	if err != nil || got != "gopher" {
		t.Errorf("Input = %q, %v; want gopher", got, err)
	}
	m := <-asked
	if len(m) != 1 || m[0].Header.MsgType != "input_request" || m[0].ParentHeader != req.Header {
		t.Fatalf("sent on stdin %v, want one input_request answering the cell's request", types(m))
	}
	if got, want := string(m[0].Content), `{"prompt": "name? ", "password": true}`; !sameJSON(got, want) {
		t.Errorf("input_request content %s, want %s", got, want)
	}

	out.allowStdin = false
	if _, err := out.Input(context.Background(), "again? ", false); !errors.Is(err, engine.ErrNoStdin) {
		t.Errorf("Input without stdin: %v, want ErrNoStdin", err)
	}
}

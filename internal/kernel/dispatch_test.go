package kernel

import (
	"context"
	"slices"
	"testing"

	"github.com/conclab/conclab/internal/wire"
)

// TestDispatch calls each shell and control handler through dispatch, as
// the loops do, and compares what it sends (reply and iopub) with the
// golden files in testdata/replies.
func TestDispatch(t *testing.T) {
	withHistory := func(tk *testKernel) {
		tk.history.add(1, "x := 6 * 7")
		tk.history.setOutput(1, "42")
		tk.history.add(2, "fmt.Println(x)")
		tk.history.add(3, "x := 6 * 7")
	}
	tests := []struct {
		name    string
		control bool // sent on control, else on shell
		msgType string
		content string
		setup   func(*testKernel)
	}{
		{name: "kernel_info", msgType: "kernel_info_request", content: `{}`},
		{name: "kernel_info_control", control: true, msgType: "kernel_info_request", content: `{}`},
		{name: "unknown_type", msgType: "no_such_request", content: `{}`},
		{name: "unknown_on_control", control: true, msgType: "execute_request", content: `{"code": "1"}`},
		{name: "is_complete_complete", msgType: "is_complete_request", content: `{"code": "x := 1"}`},
		{name: "is_complete_incomplete", msgType: "is_complete_request", content: `{"code": "func f() {"}`},
		{name: "is_complete_invalid", msgType: "is_complete_request", content: `{"code": "x := )"}`},
		{name: "is_complete_malformed", msgType: "is_complete_request", content: `{"code": 5}`},
		{name: "complete_malformed", msgType: "complete_request", content: `{"code": "fmt.", "cursor_pos": "4"}`},
		{name: "inspect_malformed", msgType: "inspect_request", content: `{"code": ["x"]}`},
		{name: "complete_nothing", msgType: "complete_request", content: `{"code": "s := \"abc", "cursor_pos": 99}`},
		{name: "complete_local", msgType: "complete_request", content: `{"code": "héllo := 1\nhé", "cursor_pos": 13}`},
		{name: "complete_cursor_past_end", msgType: "complete_request", content: `{"code": "héllo := 1\nhé", "cursor_pos": 99}`},
		{name: "complete_cursor_mid", msgType: "complete_request", content: `{"code": "héllo := 1\nhé + 1", "cursor_pos": 13}`},
		{name: "complete_negative_cursor", msgType: "complete_request", content: `{"code": "1 + ", "cursor_pos": -3}`},
		{name: "inspect_nothing", msgType: "inspect_request", content: `{"code": "1 + 2", "cursor_pos": 99, "detail_level": 0}`},
		{name: "history_tail", msgType: "history_request", setup: withHistory,
			content: `{"hist_access_type": "tail", "n": 2, "output": false, "raw": true}`},
		{name: "history_tail_output", msgType: "history_request", setup: withHistory,
			content: `{"hist_access_type": "tail", "n": 10, "output": true, "raw": true}`},
		{name: "history_range", msgType: "history_request", setup: withHistory,
			content: `{"hist_access_type": "range", "session": 0, "start": 2, "stop": 3, "raw": true}`},
		{name: "history_range_other_session", msgType: "history_request", setup: withHistory,
			content: `{"hist_access_type": "range", "session": -1, "start": 1, "stop": 0}`},
		{name: "history_search_unique", msgType: "history_request", setup: withHistory,
			content: `{"hist_access_type": "search", "pattern": "x :=*", "unique": true}`},
		{name: "history_empty", msgType: "history_request", content: `{"hist_access_type": "tail", "n": 5}`},
		{name: "history_bad_access_type", msgType: "history_request", content: `{"hist_access_type": "everything"}`},
		{name: "history_malformed", msgType: "history_request", content: `{"n": "5"}`},
		{name: "comm_info", msgType: "comm_info_request", content: `{"target_name": "jupyter.widget"}`},
		{name: "comm_open", msgType: "comm_open", content: `{"comm_id": "c1", "target_name": "jupyter.widget", "data": {}}`},
		{name: "comm_open_no_id", msgType: "comm_open", content: `{"target_name": "jupyter.widget"}`},
		{name: "comm_msg", msgType: "comm_msg", content: `{"comm_id": "c1", "data": {}}`},
		{name: "interrupt", control: true, msgType: "interrupt_request", content: `{}`},
		{name: "shutdown", control: true, msgType: "shutdown_request", content: `{"restart": false}`},
		{name: "shutdown_restart", control: true, msgType: "shutdown_request", content: `{"restart": true}`},
		{name: "shutdown_on_shell", msgType: "shutdown_request", content: `{"restart": false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := newTestKernel(t)
			if tt.setup != nil {
				tt.setup(tk)
			}
			table, ch := shellHandlers, tk.shell
			if tt.control {
				table, ch = controlHandlers, tk.control
			}
			req := request(t, tt.msgType, tt.content)
			tk.dispatch(context.Background(), table, req, ch)
			checkGolden(t, tt.name, record(t, tk, ch, req))
		})
	}
}

// TestDispatchBusyIdle checks the status around every handled request, and
// that an unknown one gets none.
func TestDispatchBusyIdle(t *testing.T) {
	tests := []struct {
		msgType string
		want    []string
	}{
		{"kernel_info_request", []string{"status", "status"}},
		{"comm_open", []string{"status", "comm_close", "status"}},
		{"no_such_request", nil},
	}
	for _, tt := range tests {
		tk := newTestKernel(t)
		req := request(t, tt.msgType, `{"comm_id": "c"}`)
		tk.dispatch(context.Background(), shellHandlers, req, tk.shell)
		got := types(tk.iopub.sent())
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: iopub %v, want %v", tt.msgType, got, tt.want)
		}
	}
}

// TestDispatchPanic: a handler's panic is a kernel bug, logged; the kernel
// goes on and the client still sees idle.
func TestDispatchPanic(t *testing.T) {
	tk := newTestKernel(t)
	table := map[string]handler{
		"boom_request": func(*Kernel, context.Context, *wire.Message, sender) error { panic("boom") },
	}
	req := request(t, "boom_request", `{}`)
	tk.dispatch(context.Background(), table, req, tk.shell)
	var states []string
	for _, m := range tk.iopub.sent() {
		var c struct {
			State string `json:"execution_state"`
		}
		if err := m.DecodeContent(&c); err != nil {
			t.Fatal(err)
		}
		states = append(states, c.State)
	}
	if !slices.Equal(states, []string{"busy", "idle"}) {
		t.Errorf("status %v, want busy then idle", states)
	}
}

// TestShutdown checks that a shutdown_request asks the kernel to stop,
// saying whether to restart.
func TestShutdown(t *testing.T) {
	for _, restart := range []bool{false, true} {
		tk := newTestKernel(t)
		req := request(t, "shutdown_request", map[string]bool{"restart": restart})
		tk.dispatch(context.Background(), controlHandlers, req, tk.control)
		select {
		case got := <-tk.Kernel.shutdown:
			if got != restart {
				t.Errorf("restart %v: kernel told restart=%v", restart, got)
			}
		default:
			t.Errorf("restart %v: kernel not told to stop", restart)
		}
	}
}

// TestKernelInfoAnswered checks that the first kernel_info_reply lets the
// warm-up start.
func TestKernelInfoAnswered(t *testing.T) {
	tk := newTestKernel(t)
	tk.dispatch(context.Background(), shellHandlers, request(t, "kernel_info_request", `{}`), tk.shell)
	select {
	case <-tk.answered:
	default:
		t.Error("answered not closed after a kernel_info_reply")
	}
	// A second one must not close it again.
	tk.dispatch(context.Background(), shellHandlers, request(t, "kernel_info_request", `{}`), tk.shell)
}

func types(msgs []*wire.Message) []string {
	var t []string
	for _, m := range msgs {
		t = append(t, m.Header.MsgType)
	}
	return t
}

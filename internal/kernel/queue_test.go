package kernel

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestQueueExecute checks that an execute_request goes to the queue, and
// that one the full queue cannot take is answered at once with an error,
// inside busy and idle, and leaves the queue as it was.
func TestQueueExecute(t *testing.T) {
	tk := newTestKernel(t)
	tk.executions = make(chan queued, 1)
	first := request(t, "execute_request", `{"code": "// 1"}`)
	tk.queueExecute(first)
	if n := len(tk.shell.sent()) + len(tk.iopub.sent()); n != 0 {
		t.Errorf("queueing sent %d messages", n)
	}

	refused := request(t, "execute_request", `{"code": "// 2"}`)
	tk.queueExecute(refused)
	replies := tk.shell.sent()
	if len(replies) != 1 {
		t.Fatalf("%d replies to the request the full queue refused, want 1", len(replies))
	}
	if replies[0].Header.MsgType != "execute_reply" || replies[0].ParentHeader != refused.Header {
		t.Errorf("sent %s answering %s, want execute_reply answering the refused request",
			replies[0].Header.MsgType, replies[0].ParentHeader.MsgID)
	}
	var reply struct {
		Status         string   `json:"status"`
		Ename          string   `json:"ename"`
		Evalue         string   `json:"evalue"`
		Traceback      []string `json:"traceback"`
		ExecutionCount *int     `json:"execution_count"`
	}
	if err := json.Unmarshal(replies[0].Content, &reply); err != nil {
		t.Fatal(err)
	}
	if reply.Status != "error" || reply.Ename != "QueueFull" || !strings.Contains(reply.Evalue, "not run") ||
		len(reply.Traceback) == 0 || reply.ExecutionCount == nil {
		t.Errorf("reply %s, want status error, ename QueueFull, a traceback and an execution_count", replies[0].Content)
	}
	iopub := tk.iopub.sent()
	if got, want := types(iopub), []string{"status", "error", "status"}; !slices.Equal(got, want) {
		t.Errorf("iopub %v, want %v", got, want)
	}
	for _, m := range iopub {
		if m.ParentHeader != refused.Header {
			t.Errorf("iopub %s answers %s, not the refused request", m.Header.MsgType, m.ParentHeader.MsgID)
		}
	}
	if len(tk.executions) != 1 || (<-tk.executions).req != first {
		t.Error("the queue changed")
	}
}

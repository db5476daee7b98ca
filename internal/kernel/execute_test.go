package kernel

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/conclab/conclab/internal/wire"
)

// TestHandleExecute runs cells that need no Go build (comments, syntax
// errors, malformed requests) and compares what the kernel sends with the
// golden files.
func TestHandleExecute(t *testing.T) {
	tests := []struct {
		name      string
		content   string
		wantStop  bool
		wantCount int // execution_count after the cell
	}{
		{name: "execute_ok", content: `{"code": "// nothing to run"}`, wantCount: 1},
		{name: "execute_silent", content: `{"code": "// nothing", "silent": true}`, wantCount: 0},
		{name: "execute_no_history", content: `{"code": "// nothing", "store_history": false}`, wantCount: 0},
		{name: "execute_syntax_error", content: `{"code": "func ("}`, wantStop: true, wantCount: 1},
		{name: "execute_error_no_stop", content: `{"code": "func (", "stop_on_error": false}`, wantCount: 1},
		{name: "execute_error_silent", content: `{"code": "func (", "silent": true}`, wantStop: true, wantCount: 0},
		{name: "execute_malformed", content: `{"code": 5}`, wantCount: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := newTestKernel(t)
			req := request(t, "execute_request", tt.content)
			stop, err := tk.handleExecute(context.Background(), req)
			if err != nil {
				t.Errorf("handleExecute: %v", err)
			}
			if (stop != nil) != tt.wantStop {
				t.Errorf("stop = %v, want stop %v", stop, tt.wantStop)
			}
			if tk.count != tt.wantCount {
				t.Errorf("execution_count %d, want %d", tk.count, tt.wantCount)
			}
			checkGolden(t, tt.name, record(t, tk, tk.shell, req))
		})
	}
}

// TestExecuteHistory checks which cells the history keeps.
func TestExecuteHistory(t *testing.T) {
	tk := newTestKernel(t)
	for _, c := range []string{
		`{"code": "// one"}`,
		`{"code": "// silent", "silent": true}`,
		`{"code": "// not stored", "store_history": false}`,
		`{"code": "func ("}`,
	} {
		if _, err := tk.handleExecute(context.Background(), request(t, "execute_request", c)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, e := range tk.history.entries {
		got = append(got, e.input)
	}
	if want := []string{"// one", "func ("}; !slices.Equal(got, want) {
		t.Errorf("history %q, want %q", got, want)
	}
}

// TestExecuteLoop runs a failing cell with two requests queued behind it
// through the loop, as a client's "Run all" does: both are aborted, each
// within busy and idle; a request sent after the failure's reply then runs.
func TestExecuteLoop(t *testing.T) {
	tk := newTestKernel(t)
	failed := request(t, "execute_request", `{"code": "func ("}`)
	queued := []*wire.Message{
		request(t, "execute_request", `{"code": "// 2"}`),
		request(t, "execute_request", `{"code": "// 3"}`),
	}
	tk.queueExecute(failed)
	for _, q := range queued {
		tk.queueExecute(q)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); tk.executeLoop(ctx) }()
	defer func() { cancel(); <-done }()

	replies := waitFor(t, tk.shell, 3)
	wantStatus := []string{"error", "aborted", "aborted"}
	for i, m := range replies {
		if got := replyStatus(t, m); got != wantStatus[i] {
			t.Errorf("reply %d: status %q, want %q", i, got, wantStatus[i])
		}
	}
	for i, q := range queued {
		if replies[i+1].ParentHeader != q.Header {
			t.Errorf("aborted reply %d answers %s, not queued request %d", i, replies[i+1].ParentHeader.MsgID, i)
		}
	}
	// Sent after the failure's reply (by the client's clock): it runs.
	after := request(t, "execute_request", `{"code": "// 4"}`)
	tk.queueExecute(after)
	if m := waitFor(t, tk.shell, 1)[0]; replyStatus(t, m) != "ok" {
		t.Errorf("request sent after the failure: status %q, want ok", replyStatus(t, m))
	}
	var states []string
	for _, m := range tk.iopub.sent() {
		if m.Header.MsgType == "status" {
			var c struct {
				State string `json:"execution_state"`
			}
			_ = json.Unmarshal(m.Content, &c)
			states = append(states, c.State)
		}
	}
	want := []string{"busy", "idle", "busy", "idle", "busy", "idle", "busy", "idle"}
	if !slices.Equal(states, want) {
		t.Errorf("iopub status %v, want %v", states, want)
	}
}

// TestAbortQueued checks stop_on_error's timing: a request that reached
// the kernel before the failure's reply went out, or that its client sent
// before it could have seen the failure, is aborted; the first other one
// is returned to run; the linger ends the wait.
func TestAbortQueued(t *testing.T) {
	t0 := time.Now().Add(-time.Minute).Truncate(time.Microsecond) // as headers have it
	took := 100 * time.Millisecond
	replied := time.Now()
	before, after := replied.Add(-time.Millisecond), replied.Add(time.Millisecond)
	at := func(sent time.Duration, arrived time.Time) queued {
		m := request(t, "execute_request", `{"code": ""}`)
		m.Header.Date = wire.FormatDate(t0.Add(sent))
		return queued{req: m, arrived: arrived}
	}
	undated := func(arrived time.Time) queued {
		q := at(0, arrived)
		q.req.Header.Date = "yesterday"
		return q
	}
	tests := []struct {
		name          string
		failedUndated bool
		arriving      []queued
		aborted       int // how many of arriving, from the first, are aborted
		returned      int // index of the one returned, -1: none
	}{
		{name: "nothing arrives", returned: -1},
		{name: "queued before the reply", arriving: []queued{at(-time.Second, before), at(10*time.Millisecond, before)}, aborted: 2, returned: -1},
		{name: "queued before the reply, dated after", arriving: []queued{at(time.Hour, before)}, aborted: 1, returned: -1},
		{name: "sent while the cell ran", arriving: []queued{at(10*time.Millisecond, after), at(took-time.Microsecond, after)}, aborted: 2, returned: -1},
		{name: "sent after the reply", arriving: []queued{at(took, after)}, returned: 0},
		{name: "before, then after", arriving: []queued{at(50*time.Millisecond, before), at(time.Second, after), at(0, after)}, aborted: 1, returned: 1},
		{name: "undated", arriving: []queued{undated(before), undated(after)}, aborted: 1, returned: 1},
		{name: "failed undated", failedUndated: true, arriving: []queued{at(0, before), at(0, after)}, aborted: 1, returned: 1},
		{name: "failed undated, nothing after", failedUndated: true, arriving: []queued{at(0, before)}, aborted: 1, returned: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := newTestKernel(t)
			for _, q := range tt.arriving {
				tk.executions <- q
			}
			failed := request(t, "execute_request", `{"code": "func ("}`)
			failed.Header.Date = wire.FormatDate(t0)
			linger := 20 * time.Millisecond
			if tt.failedUndated {
				failed.Header.Date = "yesterday"
				linger = time.Hour // must not be waited for
			}
			got := tk.abortQueued(failed, stopOnError{took: took, replied: replied}, linger)
			replies := tk.shell.sent()
			if len(replies) != tt.aborted {
				t.Fatalf("%d aborted, want %d", len(replies), tt.aborted)
			}
			for i, m := range replies {
				if m.ParentHeader != tt.arriving[i].req.Header || replyStatus(t, m) != "aborted" {
					t.Errorf("reply %d: %s to %s, want aborted to request %d", i, replyStatus(t, m), m.ParentHeader.Date, i)
				}
			}
			switch {
			case tt.returned < 0 && got != nil:
				t.Errorf("returned the request sent at %s, want none", got.Header.Date)
			case tt.returned >= 0 && got != tt.arriving[tt.returned].req:
				t.Errorf("returned %v, want request %d", got, tt.returned)
			}
			left := len(tt.arriving) - tt.aborted
			if got != nil {
				left--
			}
			if n := len(tk.executions); n != left {
				t.Errorf("%d requests left in the queue, want %d", n, left)
			}
		})
	}
}

// waitFor returns the next n messages sent on ch, failing after a while.
func waitFor(t *testing.T, ch *fakeChannel, n int) []*wire.Message {
	t.Helper()
	var got []*wire.Message
	deadline := time.Now().Add(20 * time.Second)
	for len(got) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d messages after 20s: %v", len(got), n, types(got))
		}
		got = append(got, ch.sent()...)
		time.Sleep(time.Millisecond)
	}
	if len(got) > n {
		t.Fatalf("%d messages, want %d: %v", len(got), n, types(got))
	}
	return got
}

func replyStatus(t *testing.T, m *wire.Message) string {
	t.Helper()
	var c struct {
		Status string `json:"status"`
	}
	if err := m.DecodeContent(&c); err != nil {
		t.Fatal(err)
	}
	return c.Status
}

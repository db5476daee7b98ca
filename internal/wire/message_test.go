package wire

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNewMessage(t *testing.T) {
	before := time.Now().Add(-time.Second)
	m, err := NewMessage("status", "sess", map[string]string{"execution_state": "busy"})
	if err != nil {
		t.Fatal(err)
	}
	if !uuidPattern.MatchString(m.Header.MsgID) {
		t.Errorf("msg_id %q is not a UUID", m.Header.MsgID)
	}
	if m.Header.MsgType != "status" || m.Header.Session != "sess" || m.Header.Version != ProtocolVersion || m.Header.Username == "" {
		t.Errorf("header %+v", m.Header)
	}
	date, err := time.Parse(time.RFC3339Nano, m.Header.Date)
	if err != nil {
		t.Fatalf("date %q: %v", m.Header.Date, err)
	}
	if date.Before(before) || !strings.HasSuffix(m.Header.Date, "Z") {
		t.Errorf("date %q", m.Header.Date)
	}
	if !m.ParentHeader.IsZero() || len(m.Identities) != 0 {
		t.Errorf("a new message has a parent or identities: %+v", m)
	}
	if string(m.Content) != `{"execution_state":"busy"}` {
		t.Errorf("content %s", m.Content)
	}
	other, _ := NewMessage("status", "sess", nil)
	if other.Header.MsgID == m.Header.MsgID {
		t.Error("two messages share a msg_id")
	}
}

func TestNewMessageContent(t *testing.T) {
	type reply struct {
		Status string `json:"status"`
		Count  int    `json:"execution_count"`
	}
	var nilMap map[string]any
	tests := []struct {
		name    string
		content any
		want    string // "" for an error
	}{
		{"nil", nil, `{}`},
		{"nil map", nilMap, `{}`},
		{"struct", reply{"ok", 2}, `{"status":"ok","execution_count":2}`},
		{"no HTML escaping", map[string]string{"text/html": "<b>&</b>"}, `{"text/html":"<b>&</b>"}`},
		{"raw object", json.RawMessage(`{"a":[1,2]}`), `{"a":[1,2]}`},
		{"empty raw", json.RawMessage(nil), `{}`},
		{"string", "text", ""},
		{"slice", []int{1}, ""},
		{"raw array", json.RawMessage(`[1]`), ""},
		{"raw invalid", json.RawMessage(`{"a":`), ""},
		{"unmarshalable", map[string]any{"c": make(chan int)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMessage("x", "s", tt.content)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("NewMessage succeeded with content %s", m.Content)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(m.Content) != tt.want {
				t.Errorf("content %s, want %s", m.Content, tt.want)
			}
		})
	}
	if _, err := NewMessage("", "s", nil); err == nil {
		t.Error("NewMessage with an empty msg_type succeeded")
	}
}

func TestNewReply(t *testing.T) {
	parent := &Message{
		Identities: [][]byte{[]byte("client"), []byte("proxy")},
		Header:     Header{MsgID: "req-1", Session: "client-session", Username: "alice", Date: "d", MsgType: "kernel_info_request", Version: "5.4"},
	}
	r, err := NewReply(parent, "kernel_info_reply", map[string]string{"status": "ok"})
	if err != nil {
		t.Fatal(err)
	}
	if r.ParentHeader != parent.Header {
		t.Errorf("parent header %+v, want %+v", r.ParentHeader, parent.Header)
	}
	if r.Header.Session != "client-session" || r.Header.MsgType != "kernel_info_reply" || r.Header.MsgID == parent.Header.MsgID {
		t.Errorf("header %+v", r.Header)
	}
	if len(r.Identities) != 2 || string(r.Identities[0]) != "client" || string(r.Identities[1]) != "proxy" {
		t.Fatalf("identities %q", r.Identities)
	}
	// The reply owns its identities.
	r.Identities[0][0] = 'X'
	if string(parent.Identities[0]) != "client" {
		t.Error("changing the reply's identities changed the parent's")
	}
	if _, err := NewReply(nil, "x", nil); err == nil {
		t.Error("NewReply(nil) succeeded")
	}
	if _, err := NewReply(parent, "x", "not an object"); err == nil {
		t.Error("NewReply with string content succeeded")
	}
}

func TestDecodeContent(t *testing.T) {
	type execute struct {
		Code         string `json:"code"`
		Silent       bool   `json:"silent"`
		AllowStdin   bool   `json:"allow_stdin"`
		CursorOffset int    `json:"cursor_pos"`
	}
	tests := []struct {
		name    string
		content string
		want    execute
		errText string
	}{
		{"ok", `{"code":"x := 1","silent":false,"allow_stdin":true}`, execute{Code: "x := 1", AllowStdin: true}, ""},
		{"unknown fields ignored", `{"code":"y","new_field":{"a":1}}`, execute{Code: "y"}, ""},
		{"code not a string", `{"code":5}`, execute{}, "code"},
		{"silent not a bool", `{"code":"x","silent":"yes"}`, execute{}, "silent"},
		{"cursor_pos not an int", `{"cursor_pos":1.5}`, execute{}, "cursor_pos"},
		{"empty", ``, execute{}, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Message{Header: Header{MsgType: "execute_request"}, Content: json.RawMessage(tt.content)}
			var got execute
			err := m.DecodeContent(&got)
			if tt.errText != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errText) || !strings.Contains(err.Error(), "execute_request") {
					t.Fatalf("DecodeContent error = %v, want one naming %q", err, tt.errText)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Code != tt.want.Code || got.AllowStdin != tt.want.AllowStdin || got.Silent != tt.want.Silent {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestFormatDate(t *testing.T) {
	loc := time.FixedZone("X", 2*3600)
	got := FormatDate(time.Date(2024, 5, 1, 14, 30, 0, 123456789, loc))
	if got != "2024-05-01T12:30:00.123456Z" {
		t.Errorf("FormatDate = %q", got)
	}
}

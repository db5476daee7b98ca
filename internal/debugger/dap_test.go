package debugger

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		name, content string
		want          string // command, or the error's text
		ok            bool
	}{
		{"initialize", `{"seq":1,"type":"request","command":"initialize","arguments":{"clientID":"jupyterlab"}}`, "initialize", true},
		{"no arguments", `{"seq":0,"type":"request","command":"debugInfo"}`, "debugInfo", true},
		{"null arguments", `{"seq":2,"type":"request","command":"attach","arguments":null}`, "attach", true},
		{"a response", `{"seq":1,"type":"response","command":"initialize"}`, `type "response"`, false},
		{"no command", `{"seq":1,"type":"request"}`, "no command", false},
		{"no seq", `{"type":"request","command":"threads"}`, "no seq", false},
		{"arguments a list", `{"seq":1,"type":"request","command":"next","arguments":[1]}`, "not an object", false},
		{"not JSON", `{"seq":`, "not a DAP message", false},
		{"a string", `"hello"`, "not a DAP message", false},
	}
	for _, tt := range tests {
		m, err := ParseRequest([]byte(tt.content))
		if tt.ok {
			if err != nil || m.Command != tt.want || m.Type != "request" {
				t.Errorf("%s: %+v, %v", tt.name, m, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want one saying %q", tt.name, err, tt.want)
		}
	}
}

func TestMessageFraming(t *testing.T) {
	var buf bytes.Buffer
	yes := true
	in := []Message{
		{Seq: 1, Type: "request", Command: "initialize", Arguments: json.RawMessage(`{"adapterID":"go"}`)},
		{Seq: 2, Type: "event", Event: "stopped", Body: json.RawMessage(`{"reason":"breakpoint","threadId":7}`)},
		{Seq: 3, Type: "response", Command: "threads", RequestSeq: 9, Success: &yes, Body: json.RawMessage(`{"threads":[]}`)},
	}
	for _, m := range in {
		if err := writeMessage(&buf, m); err != nil {
			t.Fatal(err)
		}
	}
	r := bufio.NewReader(&buf)
	for _, want := range in {
		got, err := readMessage(r)
		if err != nil {
			t.Fatal(err)
		}
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		if !bytes.Equal(gb, wb) {
			t.Errorf("read %s, want %s", gb, wb)
		}
	}
	if _, err := readMessage(r); err != io.EOF {
		t.Errorf("at the end: %v, want io.EOF", err)
	}
}

func TestReadMessageRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"no length":        "Content-Type: x\r\n\r\n{}",
		"negative length":  "Content-Length: -4\r\n\r\n{}",
		"huge length":      "Content-Length: 99999999999\r\n\r\n{}",
		"short body":       "Content-Length: 10\r\n\r\n{}",
		"header cut":       "Content-Len",
		"not a header":     "hello\r\n\r\n",
		"body not JSON":    "Content-Length: 2\r\n\r\n{{",
		"cut after header": "Content-Length: 2\r\n",
	} {
		if _, err := readMessage(bufio.NewReader(strings.NewReader(in))); err == nil || err == io.EOF {
			t.Errorf("%s: err %v, want an error", name, err)
		}
	}
}

func FuzzParseRequest(f *testing.F) {
	f.Add([]byte(`{"seq":1,"type":"request","command":"initialize","arguments":{}}`))
	f.Add([]byte(`{"seq":1,"type":"request","command":"x","arguments":"s"}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseRequest(b)
		if err != nil {
			return
		}
		if m.Command == "" || m.Type != "request" {
			t.Fatalf("accepted %q as %+v", b, m)
		}
		if len(m.Arguments) > 0 && !json.Valid(m.Arguments) {
			t.Fatalf("arguments %q are not JSON", m.Arguments)
		}
	})
}

func FuzzReadMessage(f *testing.F) {
	f.Add([]byte("Content-Length: 2\r\n\r\n{}"))
	f.Add([]byte("Content-Length: 30\r\n\r\n{\"seq\":1,\"type\":\"event\"}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bufio.NewReader(bytes.NewReader(b))
		for range 8 {
			if _, err := readMessage(r); err != nil {
				return
			}
		}
	})
}

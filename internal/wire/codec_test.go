package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// frames builds raw frames: identities, the delimiter, then the given parts.
func rawFrames(ids []string, parts ...string) [][]byte {
	var out [][]byte
	for _, id := range ids {
		out = append(out, []byte(id))
	}
	out = append(out, []byte(Delimiter))
	for _, p := range parts {
		out = append(out, []byte(p))
	}
	return out
}

// signed returns frames for the four JSON parts, signed with s.
func signed(s *Signer, ids []string, header, parent, metadata, content string, buffers ...string) [][]byte {
	sig := s.Sign([]byte(header), []byte(parent), []byte(metadata), []byte(content))
	return rawFrames(ids, append([]string{string(sig), header, parent, metadata, content}, buffers...)...)
}

const validHeader = `{"msg_id":"m1","msg_type":"execute_request","session":"s1","username":"u","date":"2024-05-01T12:00:00.000000Z","version":"5.3"}`

func TestEncodeDecodeRoundTrip(t *testing.T) {
	keyed, _ := NewSigner("hmac-sha256", "round-trip-key")
	open, _ := NewSigner("hmac-sha256", "")
	parent := Header{MsgID: "p1", Session: "s", Username: "u", Date: "2024-05-01T12:00:00.000000Z", MsgType: "execute_request", Version: "5.3"}
	tests := []struct {
		name string
		m    Message
	}{
		{"no identities no parent", Message{
			Header:  Header{MsgID: "1", Session: "s", Username: "u", MsgType: "status", Version: "5.3"},
			Content: json.RawMessage(`{"execution_state":"idle"}`),
		}},
		{"two identities and a parent", Message{
			Identities:   [][]byte{[]byte("router-id"), {0, 1, 2, 0xff}},
			Header:       Header{MsgID: "2", Session: "s", Username: "u", MsgType: "execute_reply", Version: "5.3"},
			ParentHeader: parent,
			Metadata:     map[string]any{"started": "now", "n": 3.0, "nested": map[string]any{"ok": true}},
			Content:      json.RawMessage(`{"status":"ok","execution_count":1,"user_expressions":{}}`),
		}},
		{"buffers and unicode", Message{
			Identities: [][]byte{[]byte("x")},
			Header:     Header{MsgID: "3", Session: "s", Username: "ü", MsgType: "comm_msg", Version: "5.3"},
			Content:    json.RawMessage(`{"data":{"text":"h\u00e9llo ✓ <b>&"}}`),
			Buffers:    [][]byte{{0, 1, 2}, {}, bytes.Repeat([]byte{0xAB}, 1000)},
		}},
	}
	for _, signer := range []*Signer{keyed, open} {
		for _, tt := range tests {
			t.Run(tt.name+"/signed="+boolName(signer.Enabled()), func(t *testing.T) {
				frames, err := Encode(&tt.m, signer)
				if err != nil {
					t.Fatal(err)
				}
				got, err := Decode(frames, signer)
				if err != nil {
					t.Fatal(err)
				}
				want := tt.m
				if want.Metadata == nil {
					want.Metadata = map[string]any{}
				}
				if len(got.Identities) != len(want.Identities) {
					t.Fatalf("identities %q, want %q", got.Identities, want.Identities)
				}
				for i := range want.Identities {
					if !bytes.Equal(got.Identities[i], want.Identities[i]) {
						t.Errorf("identity %d = %q, want %q", i, got.Identities[i], want.Identities[i])
					}
				}
				if got.Header != want.Header || got.ParentHeader != want.ParentHeader {
					t.Errorf("headers %+v %+v, want %+v %+v", got.Header, got.ParentHeader, want.Header, want.ParentHeader)
				}
				if !reflect.DeepEqual(got.Metadata, want.Metadata) {
					t.Errorf("metadata %v, want %v", got.Metadata, want.Metadata)
				}
				if !bytes.Equal(got.Content, want.Content) {
					t.Errorf("content %s, want %s", got.Content, want.Content)
				}
				if len(got.Buffers) != len(want.Buffers) {
					t.Fatalf("%d buffers, want %d", len(got.Buffers), len(want.Buffers))
				}
				for i := range want.Buffers {
					if !bytes.Equal(got.Buffers[i], want.Buffers[i]) {
						t.Errorf("buffer %d differs", i)
					}
				}
			})
		}
	}
}

func boolName(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func TestEncodeLayout(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", "layout")
	m := &Message{
		Identities: [][]byte{[]byte("a"), []byte("b")},
		Header:     Header{MsgID: "1", Session: "s", Username: "u", Date: "d", MsgType: "status", Version: "5.3"},
		Buffers:    [][]byte{[]byte("buf")},
	}
	frames, err := Encode(m, s)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a", "b", Delimiter, "<sig>", "<header>", "{}", "{}", "{}", "buf"}
	if len(frames) != len(want) {
		t.Fatalf("%d frames, want %d: %q", len(frames), len(want), frames)
	}
	for i, w := range want {
		if w[0] != '<' || w == Delimiter {
			if string(frames[i]) != w {
				t.Errorf("frame %d = %q, want %q", i, frames[i], w)
			}
		}
	}
	var h map[string]string
	if err := json.Unmarshal(frames[4], &h); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"msg_id": "1", "session": "s", "username": "u", "date": "d", "msg_type": "status", "version": "5.3"} {
		if h[k] != v {
			t.Errorf("header[%s] = %q, want %q", k, h[k], v)
		}
	}
	if string(frames[3]) != string(s.Sign(frames[4:8]...)) {
		t.Error("signature frame is not the HMAC of the four JSON frames")
	}
}

func TestParentHeaderEmptyObject(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", "")
	tests := []struct {
		name       string
		parent     string
		wantParent Header
		wantErr    string
	}{
		{"empty object", `{}`, Header{}, ""},
		{"empty object with spaces", " { } ", Header{}, ""},
		{"full", `{"msg_id":"p","msg_type":"execute_request","session":"s","username":"u","date":"d","version":"5.3"}`,
			Header{MsgID: "p", MsgType: "execute_request", Session: "s", Username: "u", Date: "d", Version: "5.3"}, ""},
		{"partial", `{"msg_id":"p"}`, Header{MsgID: "p"}, ""},
		{"unknown fields kept out", `{"msg_id":"p","subshell_id":null}`, Header{MsgID: "p"}, ""},
		{"null", `null`, Header{}, "not a JSON object"},
		{"mistyped", `{"msg_id":7}`, Header{}, "msg_id is not a string"},
		{"array", `[]`, Header{}, "not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode(signed(s, nil, validHeader, tt.parent, `{}`, `{}`), s)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "parent_header") {
					t.Fatalf("Decode error = %v, want one about parent_header containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.ParentHeader != tt.wantParent {
				t.Errorf("ParentHeader = %+v, want %+v", m.ParentHeader, tt.wantParent)
			}
			if m.ParentHeader.IsZero() != (tt.wantParent == Header{}) {
				t.Errorf("IsZero() = %v", m.ParentHeader.IsZero())
			}
			// Encoding again gives {} exactly when there is no parent.
			frames, err := Encode(m, s)
			if err != nil {
				t.Fatal(err)
			}
			if gotEmpty := string(frames[3]) == "{}"; gotEmpty != m.ParentHeader.IsZero() {
				t.Errorf("re-encoded parent_header %s", frames[3])
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", "decode-key")
	const secretContent = `{"code":"TOP-SECRET-CELL"}`
	tests := []struct {
		name    string
		frames  [][]byte
		is      error
		errText string
	}{
		{"no frames", nil, ErrMalformed, "no <IDS|MSG> delimiter"},
		{"no delimiter", [][]byte{[]byte("id"), []byte("sig"), []byte(validHeader), []byte("{}"), []byte("{}"), []byte("{}")}, ErrMalformed, "no <IDS|MSG> delimiter"},
		{"too few frames", rawFrames([]string{"id"}, "sig", validHeader, "{}", "{}"), ErrMalformed, "4 frames after the delimiter"},
		{"only the delimiter", rawFrames(nil), ErrMalformed, "0 frames after the delimiter"},
		{"unsigned", rawFrames(nil, "", validHeader, "{}", "{}", secretContent), ErrBadSignature, "not signed"},
		{"wrong signature", rawFrames(nil, strings.Repeat("0", 64), validHeader, "{}", "{}", secretContent), ErrBadSignature, "does not match"},
		{"signature checked before JSON", rawFrames(nil, "bad", "{", "{}", "{}", "{}"), ErrBadSignature, "does not match"},
		{"header not JSON", signed(s, nil, `{"msg_id":`, "{}", "{}", "{}"), ErrMalformed, "header: not a JSON object"},
		{"header array", signed(s, nil, `["msg_id"]`, "{}", "{}", "{}"), ErrMalformed, "header: not a JSON object"},
		{"missing msg_id", signed(s, nil, `{"msg_type":"a","session":"s","username":"u"}`, "{}", "{}", "{}"), ErrMalformed, "msg_id is missing"},
		{"missing session", signed(s, nil, `{"msg_id":"1","msg_type":"a","username":"u"}`, "{}", "{}", "{}"), ErrMalformed, "session is missing"},
		{"msg_type number", signed(s, nil, `{"msg_id":"1","msg_type":3,"session":"s","username":"u"}`, "{}", "{}", "{}"), ErrMalformed, "msg_type is not a string"},
		{"msg_type null", signed(s, nil, `{"msg_id":"1","msg_type":null,"session":"s","username":"u"}`, "{}", "{}", "{}"), ErrMalformed, "msg_type is not a string"},
		{"date number", signed(s, nil, `{"msg_id":"1","msg_type":"a","session":"s","username":"u","date":1}`, "{}", "{}", "{}"), ErrMalformed, "date is not a string"},
		{"empty msg_type", signed(s, nil, `{"msg_id":"1","msg_type":"","session":"s","username":"u"}`, "{}", "{}", "{}"), ErrMalformed, "must not be empty"},
		{"date out of range", signed(s, nil, `{"msg_id":"1","msg_type":"a","session":"s","username":"u","date":"2026-13-01T00:00:00Z"}`, "{}", "{}", "{}"), ErrMalformed, "not one"},
		{"msg_id shaped like a bad date", signed(s, nil, `{"msg_id":"9999-99-99T99:99:99Z","msg_type":"a","session":"s","username":"u"}`, "{}", "{}", "{}"), ErrMalformed, "not one"},
		{"parent date out of range", signed(s, nil, validHeader, `{"msg_id":"0","msg_type":"a","session":"s","username":"u","date":"2026-02-30T00:00:00Z"}`, "{}", "{}"), ErrMalformed, "parent_header"},
		{"metadata not object", signed(s, nil, validHeader, "{}", `[]`, "{}"), ErrMalformed, "metadata: not a JSON object"},
		{"content not JSON", signed(s, nil, validHeader, "{}", "{}", `{"code":"TOP-SECRET-CELL"`), ErrMalformed, "content: not a JSON object"},
		{"content string", signed(s, nil, validHeader, "{}", "{}", `"TOP-SECRET-CELL"`), ErrMalformed, "content: not a JSON object"},
		{"content trailing garbage", signed(s, nil, validHeader, "{}", "{}", secretContent+"x"), ErrMalformed, "content: not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode(tt.frames, s)
			if err == nil {
				t.Fatalf("Decode succeeded: %+v", m)
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("error %q does not wrap %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.errText) {
				t.Errorf("error %q does not contain %q", err, tt.errText)
			}
			if strings.Contains(err.Error(), "TOP-SECRET") || strings.Contains(err.Error(), "decode-key") {
				t.Errorf("error %q quotes the content or the key", err)
			}
		})
	}
}

func TestDecodeIdentitiesAndBuffers(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", "k")
	// The first delimiter ends the identities; a later one is just a buffer.
	frames := signed(s, []string{"id1", "id2"}, validHeader, "{}", "{}", "{}", "b1", Delimiter)
	m, err := Decode(frames, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Identities) != 2 || string(m.Identities[0]) != "id1" || string(m.Identities[1]) != "id2" {
		t.Errorf("identities %q", m.Identities)
	}
	if len(m.Buffers) != 2 || string(m.Buffers[0]) != "b1" || string(m.Buffers[1]) != Delimiter {
		t.Errorf("buffers %q", m.Buffers)
	}
	if m.Header.MsgID != "m1" || m.Header.MsgType != "execute_request" || m.Header.Version != "5.3" {
		t.Errorf("header %+v", m.Header)
	}
}

func TestDecodeOldClientHeader(t *testing.T) {
	// Clients before spec 5.0 sent no version; some sent no date.
	s, _ := NewSigner("hmac-sha256", "")
	m, err := Decode(rawFrames(nil, "", `{"msg_id":"1","msg_type":"kernel_info_request","session":"s","username":"u","extra":[1]}`, "{}", "{}", "{}"), s)
	if err != nil {
		t.Fatal(err)
	}
	if m.Header.Version != "" || m.Header.Date != "" || m.Header.MsgType != "kernel_info_request" {
		t.Errorf("header %+v", m.Header)
	}
}

func TestEncodeErrors(t *testing.T) {
	s, _ := NewSigner("hmac-sha256", "")
	h := Header{MsgID: "1", MsgType: "status"}
	tests := []struct {
		name string
		m    *Message
	}{
		{"nil", nil},
		{"no msg_type", &Message{Header: Header{MsgID: "1"}}},
		{"no msg_id", &Message{Header: Header{MsgType: "status"}}},
		{"content not object", &Message{Header: h, Content: json.RawMessage(`[1]`)}},
		{"content invalid", &Message{Header: h, Content: json.RawMessage(`{`)}},
		{"metadata unmarshalable", &Message{Header: h, Metadata: map[string]any{"f": func() {}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if frames, err := Encode(tt.m, s); err == nil {
				t.Fatalf("Encode succeeded: %q", frames)
			}
		})
	}
	if _, err := Encode(&Message{Header: h}, nil); err == nil {
		t.Error("Encode with a nil signer succeeded")
	}
}

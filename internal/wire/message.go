package wire

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"
)

// ProtocolVersion is the messaging spec version put in the headers of the
// messages this package creates.
const ProtocolVersion = "5.3"

// Header is a message header, and also the parent_header of a reply.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// IsZero reports whether h is empty, as the parent_header of a message that
// answers nothing is.
func (h Header) IsZero() bool { return h == Header{} }

// Message is one Jupyter message. Identities are the ZeroMQ routing prefix
// (for iopub, the topic); Content is the raw JSON object that
// [Message.DecodeContent] decodes; Buffers are the optional binary frames
// after the content.
type Message struct {
	Identities   [][]byte
	Header       Header
	ParentHeader Header
	Metadata     map[string]any
	Content      json.RawMessage
	Buffers      [][]byte
}

// NewMessage returns a message of type msgType in session, with no parent,
// a fresh msg_id, the current time and content marshaled to JSON. Content
// must marshal to a JSON object; nil (or a nil map) means {}.
func NewMessage(msgType string, session string, content any) (*Message, error) {
	if msgType == "" {
		return nil, errors.New("new message: empty msg_type")
	}
	raw, err := marshalObject(content)
	if err != nil {
		return nil, fmt.Errorf("new %s: content: %w", msgType, err)
	}
	id, err := newMsgID()
	if err != nil {
		return nil, fmt.Errorf("new %s: %w", msgType, err)
	}
	return &Message{
		Header: Header{
			MsgID:    id,
			Session:  session,
			Username: username(),
			Date:     FormatDate(time.Now()),
			MsgType:  msgType,
			Version:  ProtocolVersion,
		},
		Metadata: map[string]any{},
		Content:  raw,
	}, nil
}

// NewReply returns a message of type msgType that answers parent: its
// parent_header is parent's header, and it has parent's session and a copy
// of parent's identities, so that sending it on a ROUTER socket reaches the
// client that asked.
func NewReply(parent *Message, msgType string, content any) (*Message, error) {
	if parent == nil {
		return nil, fmt.Errorf("new %s: nil parent", msgType)
	}
	m, err := NewMessage(msgType, parent.Header.Session, content)
	if err != nil {
		return nil, err
	}
	m.ParentHeader = parent.Header
	m.Identities = make([][]byte, len(parent.Identities))
	for i, id := range parent.Identities {
		m.Identities[i] = slices.Clone(id)
	}
	return m, nil
}

// DecodeContent unmarshals m's content into v. A field whose JSON type does
// not fit v (a string where v has a number, say) is an error naming the
// field; fields v does not have are ignored, since newer clients add them.
func (m *Message) DecodeContent(v any) error {
	if len(m.Content) == 0 {
		return fmt.Errorf("%s content: empty", m.Header.MsgType)
	}
	if err := json.Unmarshal(m.Content, v); err != nil {
		return fmt.Errorf("%s content: %w", m.Header.MsgType, err)
	}
	return nil
}

// FormatDate formats t as jupyter_client does: ISO 8601 in UTC with
// microseconds, e.g. "2024-05-01T12:30:00.123456Z".
func FormatDate(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z07:00")
}

// newMsgID returns a random UUID (version 4) as a string.
func newMsgID() (string, error) {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", fmt.Errorf("msg_id: %w", err)
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:], u[10:])
	return string(b[:]), nil
}

// username is the header's username: the user running the kernel, as
// ipykernel reports it.
func username() string {
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "kernel"
}

// marshalObject marshals v to compact JSON without HTML escaping (as Python
// does) and checks that it is an object. Nil gives {}.
func marshalObject(v any) (json.RawMessage, error) {
	switch r := v.(type) {
	case nil:
		return json.RawMessage("{}"), nil
	case json.RawMessage:
		if len(r) == 0 {
			return json.RawMessage("{}"), nil
		}
		if !isObject(r) {
			return nil, errors.New("not a JSON object")
		}
		return slices.Clone(r), nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	out := bytes.TrimRight(buf.Bytes(), "\n")
	if string(out) == "null" { // a nil map or pointer: no content
		return json.RawMessage("{}"), nil
	}
	if !isObject(out) {
		return nil, fmt.Errorf("%T does not marshal to a JSON object", v)
	}
	return out, nil
}

// isObject reports whether b is valid JSON whose value is an object.
func isObject(b []byte) bool {
	t := bytes.TrimLeft(b, " \t\r\n")
	return len(t) > 0 && t[0] == '{' && json.Valid(b)
}

package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Delimiter is the frame that separates the routing identities from the
// message proper.
const Delimiter = "<IDS|MSG>"

var delimiter = []byte(Delimiter)

// ErrMalformed is wrapped by the errors [Decode] returns for frames that are
// not a well-formed message (as opposed to a bad signature).
var ErrMalformed = errors.New("malformed message")

// Decode parses the frames of one multipart message as a kernel receives
// them: identities, "<IDS|MSG>", signature, header, parent_header, metadata,
// content, then zero or more buffers. It verifies the signature with s
// before it parses any JSON. The returned message shares memory with frames.
//
// Errors wrap [ErrBadSignature] or [ErrMalformed]; they describe the problem
// but never quote the key or the content.
func Decode(frames [][]byte, s *Signer) (*Message, error) {
	if s == nil {
		return nil, errors.New("decode: nil signer")
	}
	delim := -1
	for i, f := range frames {
		if bytes.Equal(f, delimiter) {
			delim = i
			break
		}
	}
	if delim < 0 {
		return nil, fmt.Errorf("%w: no %s delimiter in %d frames", ErrMalformed, Delimiter, len(frames))
	}
	rest := frames[delim+1:]
	if len(rest) < 5 {
		return nil, fmt.Errorf("%w: %d frames after the delimiter, want at least 5 (signature, header, parent_header, metadata, content)",
			ErrMalformed, len(rest))
	}
	sig, parts := rest[0], rest[1:5]
	if err := s.Verify(sig, parts...); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}

	m := &Message{Identities: frames[:delim]}
	var err error
	if m.Header, err = parseHeader(parts[0], true); err != nil {
		return nil, fmt.Errorf("%w: header: %w", ErrMalformed, err)
	}
	typ := quoteType(m.Header.MsgType)
	if m.ParentHeader, err = parseHeader(parts[1], false); err != nil {
		return nil, fmt.Errorf("%w: %s parent_header: %w", ErrMalformed, typ, err)
	}
	if !isObject(parts[2]) {
		return nil, fmt.Errorf("%w: %s metadata: not a JSON object", ErrMalformed, typ)
	}
	if err := json.Unmarshal(parts[2], &m.Metadata); err != nil {
		return nil, fmt.Errorf("%w: %s metadata: %w", ErrMalformed, typ, err)
	}
	if !isObject(parts[3]) {
		return nil, fmt.Errorf("%w: %s content: not a JSON object", ErrMalformed, typ)
	}
	m.Content = json.RawMessage(parts[3])
	if len(rest) > 5 {
		m.Buffers = rest[5:]
	}
	return m, nil
}

// quoteType quotes a msg_type for an error message, shortened: it comes
// from the peer and ends up in logs.
func quoteType(t string) string {
	const max = 64
	if len(t) > max {
		return strconv.Quote(t[:max]) + "..."
	}
	return strconv.Quote(t)
}

// parseHeader parses a header or parent_header. Every field it knows must be
// a string if present; a header must also have msg_id, msg_type, session and
// username (date and version are absent in old clients). Fields it does not
// know are ignored, as newer clients add some.
func parseHeader(data []byte, required bool) (Header, error) {
	var h Header
	if !isObject(data) {
		return h, errors.New("not a JSON object")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return h, err
	}
	for _, f := range []struct {
		name string
		dst  *string
		need bool
	}{
		{"msg_id", &h.MsgID, true},
		{"msg_type", &h.MsgType, true},
		{"session", &h.Session, true},
		{"username", &h.Username, true},
		{"date", &h.Date, false},
		{"version", &h.Version, false},
	} {
		raw, ok := fields[f.name]
		if !ok {
			if required && f.need {
				return h, fmt.Errorf("%s is missing", f.name)
			}
			continue
		}
		if err := json.Unmarshal(raw, f.dst); err != nil || !isString(raw) {
			return h, fmt.Errorf("%s is not a string", f.name)
		}
	}
	if required && (h.MsgID == "" || h.MsgType == "") {
		return h, errors.New("msg_id and msg_type must not be empty")
	}
	for _, v := range []string{h.MsgID, h.MsgType, h.Session, h.Username, h.Date, h.Version} {
		if unreadableDate(v) {
			return h, errors.New("a field has the form of a date but is not one (clients could not read the replies)")
		}
	}
	return h, nil
}

// isString reports whether raw is a JSON string (json.Unmarshal also
// accepts null for a string, leaving it unchanged).
func isString(raw json.RawMessage) bool {
	return len(raw) > 0 && raw[0] == '"'
}

// Encode returns the frames of m, signed with s: identities, "<IDS|MSG>",
// signature, header, parent_header ({} when m has no parent), metadata ({}
// when nil), content ({} when empty) and buffers.
func Encode(m *Message, s *Signer) ([][]byte, error) {
	if m == nil || s == nil {
		return nil, errors.New("encode: nil message or signer")
	}
	if m.Header.MsgType == "" || m.Header.MsgID == "" {
		return nil, errors.New("encode: header needs msg_id and msg_type")
	}
	header, err := json.Marshal(m.Header)
	if err != nil {
		return nil, fmt.Errorf("encode %s header: %w", m.Header.MsgType, err)
	}
	parent := []byte("{}")
	if !m.ParentHeader.IsZero() {
		if parent, err = json.Marshal(m.ParentHeader); err != nil {
			return nil, fmt.Errorf("encode %s parent_header: %w", m.Header.MsgType, err)
		}
	}
	metadata := []byte("{}")
	if m.Metadata != nil {
		if metadata, err = marshalObject(m.Metadata); err != nil {
			return nil, fmt.Errorf("encode %s metadata: %w", m.Header.MsgType, err)
		}
	}
	content := []byte("{}")
	if len(m.Content) > 0 {
		if !isObject(m.Content) {
			return nil, fmt.Errorf("encode %s content: not a JSON object", m.Header.MsgType)
		}
		content = m.Content
	}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, delimiter, s.Sign(header, parent, metadata, content), header, parent, metadata, content)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

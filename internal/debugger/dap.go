package debugger

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// A Message is a Debug Adapter Protocol message, as JupyterLab and Delve
// send them: a request, a response or an event. Arguments and bodies stay
// raw: the kernel reads few of them and passes the rest on.
type Message struct {
	Seq  int    `json:"seq"`
	Type string `json:"type"` // "request", "response" or "event"

	// A request's.
	Command   string          `json:"command,omitempty"`
	Arguments json.RawMessage `json:"arguments,omitempty"`

	// A response's (and Command).
	RequestSeq int    `json:"request_seq,omitempty"`
	Success    *bool  `json:"success,omitempty"` // set in every response
	Message    string `json:"message,omitempty"`

	// An event's.
	Event string `json:"event,omitempty"`

	// A response's or an event's.
	Body json.RawMessage `json:"body,omitempty"`
}

// Succeeded reports whether m is a response that says success.
func (m Message) Succeeded() bool { return m.Success != nil && *m.Success }

// MaxMessage bounds the size of one message read from Delve: a stack or a
// variable's value is small, and a corrupt header must not make the kernel
// allocate gigabytes.
const MaxMessage = 64 << 20

// ParseRequest reads a debug_request's content, a DAP request. It refuses
// anything else (a response, an event, a request without a command, or
// arguments that are not an object) with an error that says what is wrong.
func ParseRequest(content []byte) (Message, error) {
	var m struct {
		Seq       *int            `json:"seq"`
		Type      string          `json:"type"`
		Command   string          `json:"command"`
		Arguments json.RawMessage `json:"arguments"`
	}
	if err := json.Unmarshal(content, &m); err != nil {
		return Message{}, fmt.Errorf("debug_request: not a DAP message: %w", err)
	}
	switch {
	case m.Type != "request":
		return Message{}, fmt.Errorf("debug_request: type %q, want \"request\"", m.Type)
	case m.Command == "":
		return Message{}, errors.New("debug_request: no command")
	case m.Seq == nil:
		return Message{}, errors.New("debug_request: no seq")
	}
	args := bytes.TrimSpace(m.Arguments)
	if len(args) > 0 && !bytes.Equal(args, []byte("null")) && args[0] != '{' {
		return Message{}, fmt.Errorf("debug_request %s: arguments are not an object", m.Command)
	}
	if bytes.Equal(args, []byte("null")) {
		args = nil
	}
	return Message{Seq: *m.Seq, Type: "request", Command: m.Command, Arguments: args}, nil
}

// readMessage reads one message in the DAP's base protocol: headers
// ("Content-Length: N"), an empty line, then N bytes of JSON.
func readMessage(r *bufio.Reader) (Message, error) {
	length := -1
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if err == io.EOF && line == "" && length < 0 {
				return Message{}, io.EOF
			}
			return Message{}, fmt.Errorf("dap: header: %w", noEOF(err))
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return Message{}, fmt.Errorf("dap: header line %q", line)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 || n > MaxMessage {
				return Message{}, fmt.Errorf("dap: Content-Length %q", strings.TrimSpace(value))
			}
			length = n
		}
	}
	if length < 0 {
		return Message{}, errors.New("dap: no Content-Length")
	}
	b := make([]byte, length)
	if _, err := io.ReadFull(r, b); err != nil {
		return Message{}, fmt.Errorf("dap: body: %w", noEOF(err))
	}
	var m Message
	if err := json.Unmarshal(b, &m); err != nil {
		return Message{}, fmt.Errorf("dap: body: %w", err)
	}
	return m, nil
}

// writeMessage writes v in the DAP's base protocol.
func writeMessage(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "Content-Length: %d\r\n\r\n", len(b)); err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// noEOF turns an end of input in the middle of a message into an error
// that says so.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

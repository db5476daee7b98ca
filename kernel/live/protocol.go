package live

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// The worker's file descriptors, after stdin, stdout and stderr.
const (
	requestFD = 3 // the Engine's requests, read by the worker
	replyFD   = 4 // the worker's replies, read by the Engine
)

// Environment of the worker.
const (
	workerEnv = "CONCLAB_LIVE_WORKER" // "1": started by an Engine
	markEnv   = "CONCLAB_LIVE_MARK"   // the end-of-cell marker for the streams
	// tracebackEnv carries the user's GOTRACEBACK ("-" when unset): the
	// worker runs with none, so that a crash shows its message rather than
	// pages of interpreter frames, and restores the user's for what it starts.
	tracebackEnv = "CONCLAB_LIVE_GOTRACEBACK"
)

// maxFrame bounds one line of the protocol: a reply carries a cell's value
// (cut at maxResult) and the session's names.
const maxFrame = 8 << 20

// Request operations.
const (
	opExec      = "exec"      // run a plan
	opInterrupt = "interrupt" // stop the running cell
)

// request is one line from the Engine to the worker.
type request struct {
	Op   string `json:"op"`
	ID   int    `json:"id"`             // the cell, echoed in its reply
	Plan *plan  `json:"plan,omitempty"` // opExec
}

// reply is one line from the worker to the Engine: the worker's greeting
// (ID 0, once the interpreter is ready) or the end of a cell.
type reply struct {
	ID int `json:"id"`
	// Error is the cell's failure, if any.
	Error *cellError `json:"error,omitempty"`
	// Result is the value of the cell's last expression, when it shows one.
	Result    string `json:"result,omitempty"`
	HasResult bool   `json:"has_result,omitempty"`
	// Goroutines counts the goroutines of live cells still running.
	Goroutines int `json:"goroutines"`
	// Live maps the session's variables and constants to their reflect.Kind
	// names; nil when unchanged since the last reply.
	Live map[string]string `json:"live,omitempty"`
	// Stuck is set on an interrupted cell that did not stop: the worker can
	// no longer be trusted and must be replaced.
	Stuck bool `json:"stuck,omitempty"`
	// Broken is set when the interpreter itself failed (a panic inside
	// yaegi while compiling): its state can no longer be trusted either.
	Broken bool `json:"broken,omitempty"`
	// Imported lists packages the cell imported (name -> path).
	Imported map[string]string `json:"imported,omitempty"`
}

// cellError is a failure of a cell as the worker saw it.
type cellError struct {
	Name      string   `json:"name"`
	Value     string   `json:"value"`
	Traceback []string `json:"traceback,omitempty"`
}

// writeFrame writes v as one JSON line.
func writeFrame(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode frame: %w", err)
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("write frame: %w", err)
	}
	return nil
}

// errFrameTooLong is returned for a line longer than maxFrame.
var errFrameTooLong = errors.New("frame too long")

// readFrame reads one line of at most limit bytes, without the newline.
func readFrame(r *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line)+len(chunk) > limit+1 {
			return nil, errFrameTooLong
		}
		line = append(line, chunk...)
		switch {
		case err == nil:
			return line[:len(line)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return nil, io.ErrUnexpectedEOF
		default:
			return nil, err
		}
	}
}

// decodeReply parses one line from the worker. The worker runs user code,
// which can write anything on any descriptor, so the line is untrusted.
func decodeReply(line []byte) (*reply, error) {
	var r reply
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, fmt.Errorf("decode reply: %w", err)
	}
	if r.ID < 0 {
		return nil, fmt.Errorf("decode reply: negative id %d", r.ID)
	}
	if r.Error != nil && r.Error.Name == "" {
		return nil, errors.New("decode reply: error without a name")
	}
	return &r, nil
}

// decodeRequest parses one line from the Engine.
func decodeRequest(line []byte) (*request, error) {
	var r request
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, fmt.Errorf("decode request: %w", err)
	}
	switch r.Op {
	case opExec:
		if r.Plan == nil {
			return nil, errors.New("decode request: exec without a plan")
		}
	case opInterrupt:
	default:
		return nil, fmt.Errorf("decode request: unknown op %q", r.Op)
	}
	return &r, nil
}

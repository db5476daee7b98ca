// Package liveproto is the protocol between the live Engine (in the kernel)
// and its worker (the conclab-live program, which holds the interpreter):
// one JSON object a line on two pipes, and an end-of-cell marker on the
// worker's stdout and stderr. Both sides import it, so they cannot disagree.
package liveproto

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// The worker's file descriptors, after stdin, stdout and stderr.
const (
	RequestFD = 3 // the Engine's requests, read by the worker
	ReplyFD   = 4 // the worker's replies, read by the Engine
)

// Environment of the worker.
const (
	WorkerEnv = "CONCLAB_LIVE_WORKER" // "1": started by an Engine
	MarkEnv   = "CONCLAB_LIVE_MARK"   // the end-of-cell marker for the streams
	// TracebackEnv carries the user's GOTRACEBACK ("-" when unset): the
	// worker runs with none, so that a crash shows its message rather than
	// pages of interpreter frames, and restores the user's for what it starts.
	TracebackEnv = "CONCLAB_LIVE_GOTRACEBACK"
)

// MaxFrame bounds one line of the protocol: a reply carries a cell's value
// (cut at maxResult) and the session's names.
const MaxFrame = 8 << 20

// StuckGrace is how long the worker waits for an interrupted cell to stop
// before it replies that the cell is stuck; the Engine waits that long too.
const StuckGrace = 500 * time.Millisecond

// Request operations.
const (
	OpExec      = "exec"      // run a plan
	OpInterrupt = "interrupt" // stop the running cell
)

// Request is one line from the Engine to the worker.
type Request struct {
	Op   string `json:"op"`
	ID   int    `json:"id"`             // the cell, echoed in its reply
	Plan *Plan  `json:"plan,omitempty"` // OpExec
	// Cell is the cell's execution count, which its marks carry (OpExec).
	Cell int `json:"cell,omitempty"`
	// Trace, when not empty, is the file to write an execution trace of
	// the cell's run into (%trace).
	Trace string `json:"trace,omitempty"`
	// Time asks for the cell's Timing (%time).
	Time bool `json:"time,omitempty"`
}

// TraceCategory is the runtime/trace log category of the marks a traced
// cell's goroutines leave: the message is "cell:line" (see Place), after
// TraceGoPrefix for the mark of a go statement about to run.
const (
	TraceCategory = "conclab.live"
	TraceGoPrefix = "go "
)

// A Place is a line of a cell: where a goroutine of live cells was.
type Place struct {
	Cell int `json:"cell"` // the cell's execution count
	Line int `json:"line"`
}

// Timing is what %time measured of a cell: its wall time and the worker's
// CPU time and peak memory while it ran.
type Timing struct {
	Wall time.Duration `json:"wall"`
	User time.Duration `json:"user"`
	Sys  time.Duration `json:"sys"`
	// MaxRSS is the worker's peak resident memory in bytes; 0 if unknown.
	MaxRSS int64 `json:"max_rss,omitempty"`
	// RSSSinceStart is set when the OS could not restart the peak at the
	// cell's start: MaxRSS is then the worker's peak since it started.
	RSSSinceStart bool `json:"rss_since_start,omitempty"`
}

// TraceInfo is what the Engine needs, besides the trace file, to draw a
// traced cell.
type TraceInfo struct {
	// Err says why the cell could not be traced; the cell ran anyway.
	Err string `json:"err,omitempty"`
	// Places are the last marks of the goroutines of live cells that
	// existed when the trace began, by goroutine ID.
	Places map[int64]Place `json:"places,omitempty"`
	// Goroutines are the goroutines of live cells that existed when the
	// trace began (the worker's own are not).
	Goroutines []int64 `json:"goroutines,omitempty"`
}

// Reply is one line from the worker to the Engine: the worker's greeting
// (ID 0, once the interpreter is ready) or the end of a cell.
type Reply struct {
	ID int `json:"id"`
	// Error is the cell's failure, if any.
	Error *CellError `json:"error,omitempty"`
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
	// Time is the cell's timing, when the request asked for it.
	Time *Timing `json:"time,omitempty"`
	// Trace is set when the request asked for a trace.
	Trace *TraceInfo `json:"trace,omitempty"`
}

// CellError is a failure of a cell as the worker saw it.
type CellError struct {
	Name      string   `json:"name"`
	Value     string   `json:"value"`
	Traceback []string `json:"traceback,omitempty"`
}

// WriteFrame writes v as one JSON line.
func WriteFrame(w io.Writer, v any) error {
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

// ErrFrameTooLong is returned for a line longer than maxFrame.
var ErrFrameTooLong = errors.New("frame too long")

// ReadFrame reads one line of at most limit bytes, without the newline.
func ReadFrame(r *bufio.Reader, limit int) ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line)+len(chunk) > limit+1 {
			return nil, ErrFrameTooLong
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

// DecodeReply parses one line from the worker. The worker runs user code,
// which can write anything on any descriptor, so the line is untrusted.
func DecodeReply(line []byte) (*Reply, error) {
	var r Reply
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, fmt.Errorf("decode Reply: %w", err)
	}
	if r.ID < 0 {
		return nil, fmt.Errorf("decode Reply: negative id %d", r.ID)
	}
	if r.Error != nil && r.Error.Name == "" {
		return nil, errors.New("decode Reply: error without a name")
	}
	return &r, nil
}

// DecodeRequest parses one line from the Engine.
func DecodeRequest(line []byte) (*Request, error) {
	var r Request
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, fmt.Errorf("decode request: %w", err)
	}
	switch r.Op {
	case OpExec:
		if r.Plan == nil {
			return nil, errors.New("decode request: exec without a plan")
		}
	case OpInterrupt:
	default:
		return nil, fmt.Errorf("decode request: unknown op %q", r.Op)
	}
	return &r, nil
}

// MarkBytes is what the worker writes on its streams at the end of a cell,
// for the marker token the Engine gave it in MarkEnv.
func MarkBytes(token string) []byte { return []byte("\x00conclab-live:" + token + "\x00") }

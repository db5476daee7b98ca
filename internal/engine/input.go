package engine

import (
	"context"
	"errors"
	"io"
	"sync"
)

// Stdin is the kernel's end of a program's standard input: lines the user
// types are written to it, and it is closed, once, when no more input will
// come (the program then reads end of file). One Stdin may outlive many
// runs (the live engine's worker reads one stdin for all its cells).
type Stdin struct {
	mu     sync.Mutex
	w      io.WriteCloser
	closed bool
}

// NewStdin wraps w, the write end of a program's stdin.
func NewStdin(w io.WriteCloser) *Stdin { return &Stdin{w: w} }

// Closed reports whether stdin is at end of file for the program.
func (s *Stdin) Closed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Close closes the write end, the first time it is called.
func (s *Stdin) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.w.Close()
}

// writeLine writes line and a newline without waiting: a program that does
// not read must not block the pump on a full pipe. A write that fails
// because stdin was closed meanwhile has nobody left to read it.
func (s *Stdin) writeLine(line string) {
	go func() { _, _ = io.WriteString(s.w, line+"\n") }()
}

// An InputPump answers one run's reads of stdin: each time the program
// waits on stdin (or asks through gonbui.RequestInput), Ask asks the
// frontend for a line through Output.Input and writes it to the program.
//
// When the frontend cannot answer, the program reads end of file rather
// than wait forever in a read that an interrupt may not reach: on
// ErrNoStdin (with noInput told on stderr) and on any other failure (with
// the failure told). When the request was cancelled because the run ended
// or was interrupted, stdin stays as it was: a later run may answer the
// read.
type InputPump struct {
	ctx     context.Context // ends with the run
	stdin   *Stdin
	out     Output
	noInput string // told on stderr when the frontend allows no input

	pending sync.Mutex // held while a request waits for its answer
}

// NewInputPump makes the pump of one run, which ends with ctx. noInput is
// the line told on stderr when the frontend allows no input.
func NewInputPump(ctx context.Context, stdin *Stdin, out Output, noInput string) *InputPump {
	return &InputPump{ctx: ctx, stdin: stdin, out: out, noInput: noInput}
}

// Ask asks the frontend for a line and writes it to the program's stdin.
// The stdin watcher and gonbui.RequestInput both fire for the same read: a
// request while one is pending is that duplicate and is dropped.
func (p *InputPump) Ask(prompt string, password bool) {
	if !p.pending.TryLock() {
		return
	}
	defer p.pending.Unlock()
	if p.stdin.Closed() {
		return
	}
	line, err := p.out.Input(p.ctx, prompt, password)
	switch {
	case err == nil:
		p.stdin.writeLine(line)
	case p.ctx.Err() != nil:
		// The run ended or was interrupted: nobody waits for this answer.
	case errors.Is(err, ErrNoStdin):
		p.out.Stream("stderr", p.noInput)
		_ = p.stdin.Close()
	default:
		p.out.Stream("stderr", "conclab: asking for input failed ("+err.Error()+"); stdin is now at end of file\n")
		_ = p.stdin.Close()
	}
}

package engine

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conclab/conclab/internal/display"
)

// asker is an Output whose Input gives a fixed answer; it records streams.
type asker struct {
	mu     sync.Mutex
	line   string
	err    error
	before func()        // runs at the start of Input
	block  chan struct{} // when set, Input waits for it
	asked  int
	stderr strings.Builder
}

func (a *asker) Stream(name, text string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if name == "stderr" {
		a.stderr.WriteString(text)
	}
}

func (a *asker) Display(display.Data)       {}
func (a *asker) Result(data map[string]any) {}

func (a *asker) Input(ctx context.Context, _ string, _ bool) (string, error) {
	a.mu.Lock()
	a.asked++
	a.mu.Unlock()
	if a.before != nil {
		a.before()
	}
	if a.block != nil {
		<-a.block
	}
	return a.line, a.err
}

// readN returns the n bytes the program side of a pipe reads first (or
// what it read in a second, when fewer come).
func readN(t *testing.T, r *os.File, n int) string {
	t.Helper()
	if err := r.SetReadDeadline(time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, n)
	k, _ := io.ReadFull(r, b)
	return string(b[:k])
}

func TestInputPump(t *testing.T) {
	const noInput = "no input here\n"
	failure := errors.New("bad input_reply")
	tests := []struct {
		name     string
		line     string
		err      error
		cancel   bool // the run ends while the request waits
		closed   bool // stdin closed before the request
		read     string
		eof      bool
		asked    int
		stderrIs string
	}{
		{name: "answer", line: "gopher", read: "gopher\n", asked: 1},
		{name: "no stdin", err: ErrNoStdin, eof: true, asked: 1, stderrIs: noInput},
		{name: "cancelled", err: context.Canceled, cancel: true, asked: 1},
		{name: "failure", err: failure, eof: true, asked: 1,
			stderrIs: "conclab: asking for input failed (bad input_reply); stdin is now at end of file\n"},
		{name: "already closed", line: "unread", closed: true, eof: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			stdin := NewStdin(w)
			defer stdin.Close()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			out := &asker{line: tt.line, err: tt.err}
			if tt.cancel {
				out.before = cancel
			}
			if tt.closed {
				stdin.Close()
			}
			NewInputPump(ctx, stdin, out, noInput).Ask("", false)
			if stdin.Closed() != tt.eof {
				t.Errorf("stdin closed = %v, want %v", stdin.Closed(), tt.eof)
			}
			if out.asked != tt.asked {
				t.Errorf("asked the frontend %d times, want %d", out.asked, tt.asked)
			}
			if got := out.stderr.String(); got != tt.stderrIs {
				t.Errorf("stderr = %q, want %q", got, tt.stderrIs)
			}
			if got := readN(t, r, len(tt.read)); got != tt.read {
				t.Errorf("the program read %q, want %q", got, tt.read)
			}
			stdin.Close()
			if rest := readN(t, r, 1); rest != "" {
				t.Errorf("the program read %q more", rest)
			}
		})
	}
}

// TestInputPumpDuplicate asks twice for the same read: the watcher and
// gonbui both fire, and the user sees one input box.
func TestInputPumpDuplicate(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	stdin := NewStdin(w)
	out := &asker{line: "once", block: make(chan struct{})}
	p := NewInputPump(t.Context(), stdin, out, "")
	done := make(chan struct{})
	go func() { p.Ask("", false); close(done) }()
	for {
		out.mu.Lock()
		asked := out.asked
		out.mu.Unlock()
		if asked == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	p.Ask("", false) // pending: dropped at once
	close(out.block)
	<-done
	got := readN(t, r, len("once\n"))
	stdin.Close()
	got += readN(t, r, 1)
	if got != "once\n" || out.asked != 1 {
		t.Errorf("read %q after %d requests, want %q after 1", got, out.asked, "once\n")
	}
}

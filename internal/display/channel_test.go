package display

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

func TestOpenEnvAndFIFOs(t *testing.T) {
	leakCheck(t)
	dir := t.TempDir()
	c, err := Open(dir, WithWorkDir("/some/where"))
	if err != nil {
		t.Fatal(err)
	}
	env := c.Env()
	want := map[string]string{
		protocol.GONB_TMP_DIR_ENV: dir,
		protocol.GONB_DIR_ENV:     "/some/where",
	}
	for k, v := range want {
		if got := envValue(t, env, k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	var fifos []string
	for _, k := range []string{protocol.GONB_PIPE_ENV, protocol.GONB_PIPE_BACK_ENV} {
		p := envValue(t, env, k)
		fifos = append(fifos, p)
		if filepath.Dir(p) != dir {
			t.Errorf("%s = %q, not in %q", k, p, dir)
		}
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Type() != os.ModeNamedPipe || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want a named pipe with 0600", p, st.Mode())
		}
	}
	if fifos[0] == fifos[1] {
		t.Fatalf("both pipes are %q", fifos[0])
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range fifos {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s still exists after Close: %v", p, err)
		}
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestOpenFailsCleanly(t *testing.T) {
	leakCheck(t)
	if _, err := Open(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("Open in a missing directory succeeded")
	}
}

func TestTwoChannelsShareADirectory(t *testing.T) {
	dir := t.TempDir()
	a, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if envValue(t, a.Env(), protocol.GONB_PIPE_ENV) == envValue(t, b.Env(), protocol.GONB_PIPE_ENV) {
		t.Fatal("two channels got the same pipe")
	}
}

func TestServeDeliversAndSyncs(t *testing.T) {
	leakCheck(t)
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	done := serve(t.Context(), c, rec)

	p := openLikeGonbui(t, c.Env(), true)
	p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "<b>1</b>"}})
	p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMEImagePNG: []byte{1, 2, 3}}})
	p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "a"}, DisplayID: "bar"})
	p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "b"}, DisplayID: "bar"})
	p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMEJupyterInput: &protocol.InputRequest{Prompt: "?"}}})
	p.sync(t, 0)
	// Sync returns only after everything before it reached the Handler.
	displays, inputs := rec.got()
	want := []Data{
		{Data: map[string]any{"text/html": "<b>1</b>"}},
		{Data: map[string]any{"image/png": "AQID"}},
		{Data: map[string]any{"text/html": "a"}, DisplayID: "bar"},
		{Data: map[string]any{"text/html": "b"}, DisplayID: "bar", Update: true},
	}
	if len(displays) != len(want) {
		t.Fatalf("got %d displays before the sync ack, want %d: %#v", len(displays), len(want), displays)
	}
	for i := range want {
		if !equalData(displays[i], want[i]) {
			t.Errorf("display %d = %#v, want %#v", i, displays[i], want[i])
		}
	}
	if len(inputs) != 1 || inputs[0].Prompt != "?" {
		t.Errorf("inputs = %#v, want one with prompt ?", inputs)
	}
	p.sync(t, 1)
	p.close()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, done); err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

func equalData(a, b Data) bool {
	var x, y bytes.Buffer
	gob.NewEncoder(&x).Encode(a)
	gob.NewEncoder(&y).Encode(b)
	return x.String() == y.String()
}

// The program wrote and exited before the kernel's Close: nothing is lost.
func TestCloseDeliversWhatWasWritten(t *testing.T) {
	leakCheck(t)
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := openLikeGonbui(t, c.Env(), false)
	const n = 50
	for i := range n {
		p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMETextPlain: strings.Repeat("x", i)}})
	}
	p.close() // the program is gone; its messages wait in the pipe
	rec := &recorder{}
	done := serve(t.Context(), c, rec)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, done); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	displays, _ := rec.got()
	if len(displays) != n {
		t.Fatalf("got %d displays, want %d", len(displays), n)
	}
	for i, d := range displays {
		if d.Data["text/plain"] != strings.Repeat("x", i) {
			t.Fatalf("display %d out of order: %v", i, d.Data)
		}
	}
}

func TestNeverOpened(t *testing.T) {
	leakCheck(t)
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	done := serve(t.Context(), c, rec)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, done); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if d, in := rec.got(); len(d)+len(in) != 0 {
		t.Fatalf("got %v %v from a program that never opened the pipes", d, in)
	}
}

func TestCloseWithoutServe(t *testing.T) {
	leakCheck(t)
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := openLikeGonbui(t, c.Env(), true)
	p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "x"}})
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	// The program's end now reports a broken pipe instead of blocking.
	if _, err := p.w.Write(make([]byte, 1<<17)); !errors.Is(err, syscall.EPIPE) {
		t.Errorf("write after Close = %v, want EPIPE", err)
	}
	if n, err := p.r.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("read of back pipe after Close = %d, %v; want EOF", n, err)
	}
	p.close()
	if err := c.Serve(t.Context(), &recorder{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Serve after Close = %v, want ErrClosed", err)
	}
}

func TestServeTwice(t *testing.T) {
	leakCheck(t)
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	first := make(chan error, 1)
	second := make(chan error, 1)
	go func() { first <- c.Serve(t.Context(), &recorder{}) }()
	go func() { second <- c.Serve(t.Context(), &recorder{}) }()
	// Whichever call came second fails at once; the other serves until Close.
	var errs []error
	select {
	case err := <-first:
		errs = append(errs, err)
		first = second
	case err := <-second:
		errs = append(errs, err)
	}
	if errs[0] == nil {
		t.Fatal("the second Serve did not fail")
	}
	c.Close()
	if err := wait(t, first); err != nil {
		t.Fatalf("the serving Serve = %v, want nil", err)
	}
	if err := c.Serve(t.Context(), nil); err == nil {
		t.Error("Serve with a nil Handler succeeded")
	}
}

func TestServeStopsWithContext(t *testing.T) {
	leakCheck(t)
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p := openLikeGonbui(t, c.Env(), true)
	defer p.close()
	ctx, cancel := context.WithCancel(t.Context())
	rec := &recorder{}
	done := serve(ctx, c, rec)
	p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "x"}})
	p.sync(t, 0)
	cancel()
	if err := wait(t, done); !errors.Is(err, context.Canceled) {
		t.Fatalf("Serve = %v, want context.Canceled", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}

// The program holds its end open (it is still running): Close gives up after
// the grace period instead of hanging.
func TestCloseWhileProgramHoldsPipe(t *testing.T) {
	leakCheck(t)
	c, err := Open(t.TempDir(), WithGrace(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	p := openLikeGonbui(t, c.Env(), true)
	defer p.close()
	rec := &recorder{}
	done := serve(t.Context(), c, rec)
	p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "x"}})
	p.sync(t, 0)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, done); err != nil {
		t.Fatalf("Serve = %v, want nil", err)
	}
	if _, err := p.w.Write([]byte{1}); !errors.Is(err, syscall.EPIPE) {
		t.Errorf("program write after Close = %v, want EPIPE", err)
	}
}

func TestCrashMidMessage(t *testing.T) {
	leakCheck(t)
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	done := serve(t.Context(), c, rec)
	p := openLikeGonbui(t, c.Env(), false)
	p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "whole"}})
	// The second message, cut in half, as the same encoder would write it.
	whole := &protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "whole"}}
	first := gobStream(t, whole)
	both := gobStream(t, whole, &protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "cut"}})
	if _, err := p.w.Write(both[len(first) : len(first)+(len(both)-len(first))/2]); err != nil {
		t.Fatal(err)
	}
	p.close()
	c.Close()
	err = wait(t, done)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("Serve = %v, want io.ErrUnexpectedEOF", err)
	}
	if d, _ := rec.got(); len(d) != 1 || d[0].Data["text/html"] != "whole" {
		t.Fatalf("displays = %v, want only the whole one", d)
	}
}

func TestMalformedStreamIsDrained(t *testing.T) {
	leakCheck(t)
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	done := serve(t.Context(), c, rec)
	p := openLikeGonbui(t, c.Env(), false)
	p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "ok"}})
	// Not gob, and more than a pipe holds: the write only finishes if the
	// kernel keeps reading after the error.
	if _, err := p.w.Write(bytes.Repeat([]byte{0x7f, 0xff, 0x01}, 200000)); err != nil {
		t.Fatal(err)
	}
	p.close()
	c.Close()
	if err := wait(t, done); err == nil || !strings.Contains(err.Error(), "malformed") {
		t.Fatalf("Serve = %v, want a malformed-message error", err)
	}
	if d, _ := rec.got(); len(d) != 1 {
		t.Fatalf("displays = %v, want the one before the garbage", d)
	}
}

func TestOversizedMessage(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	done := serve(t.Context(), c, &recorder{})
	p := openLikeGonbui(t, c.Env(), false)
	// A count announcing a 1 GiB message; the body never comes.
	if _, err := p.w.Write([]byte{0xfc, 0x40, 0, 0, 0}); err != nil {
		t.Fatal(err)
	}
	p.close()
	c.Close()
	if err := wait(t, done); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("Serve = %v, want a size error", err)
	}
}

// A program that sends syncs but never reads the answers must not stall
// Serve: the answers are dropped once the back pipe is full.
func TestProgramThatDoesNotReadAnswers(t *testing.T) {
	leakCheck(t)
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	done := serve(t.Context(), c, rec)
	p := openLikeGonbui(t, c.Env(), false)
	const syncs = 5000 // far more answers than the pipe holds
	for i := range syncs {
		p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMECommValue: &protocol.CommValue{Address: protocol.GonbuiSyncAddress, Value: i}}})
	}
	p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "after"}})
	p.close()
	c.Close()
	if err := wait(t, done); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if d, _ := rec.got(); len(d) != 1 || d[0].Data["text/html"] != "after" {
		t.Fatalf("displays = %v, want the one after the syncs", d)
	}
}

func TestSharedDisplayIDs(t *testing.T) {
	ids := new(DisplayIDs)
	for run, wantUpdate := range []bool{false, true} {
		c, err := Open(t.TempDir(), WithDisplayIDs(ids))
		if err != nil {
			t.Fatal(err)
		}
		rec := &recorder{}
		done := serve(t.Context(), c, rec)
		p := openLikeGonbui(t, c.Env(), false)
		p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "x"}, DisplayID: "shared"})
		p.close()
		c.Close()
		if err := wait(t, done); err != nil {
			t.Fatal(err)
		}
		if d, _ := rec.got(); len(d) != 1 || d[0].Update != wantUpdate {
			t.Fatalf("run %d: displays = %#v, want Update %v", run, d, wantUpdate)
		}
	}
}

// malformedRecorder also hears of a bad message, as the live engine does.
type malformedRecorder struct {
	recorder
	errs chan error
}

func (r *malformedRecorder) Malformed(err error) { r.errs <- err }

func TestMalformedHandlerHearsAtOnce(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rec := &malformedRecorder{errs: make(chan error, 1)}
	done := serve(t.Context(), c, rec)
	p := openLikeGonbui(t, c.Env(), false)
	if _, err := p.w.Write([]byte{0xf7}); err != nil {
		t.Fatal(err)
	}
	// The program keeps its end open: the handler hears before the stream ends.
	select {
	case err := <-rec.errs:
		if !strings.Contains(err.Error(), "malformed display message") {
			t.Errorf("Malformed(%v)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the handler did not hear of the bad message")
	}
	p.close()
	c.Close()
	if err := wait(t, done); err == nil {
		t.Fatal("Serve = nil, want the error")
	}
}

package display

import (
	"context"
	"encoding/gob"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// recorder is a Handler that keeps what Serve delivers.
type recorder struct {
	mu       sync.Mutex
	displays []Data
	inputs   []protocol.InputRequest
	onInput  func(prompt string, password bool)
}

func (r *recorder) Display(d Data) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.displays = append(r.displays, d)
}

func (r *recorder) Input(prompt string, password bool) {
	r.mu.Lock()
	r.inputs = append(r.inputs, protocol.InputRequest{Prompt: prompt, Password: password})
	f := r.onInput
	r.mu.Unlock()
	if f != nil {
		f(prompt, password)
	}
}

func (r *recorder) got() ([]Data, []protocol.InputRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Data(nil), r.displays...), append([]protocol.InputRequest(nil), r.inputs...)
}

// envValue finds name in env.
func envValue(t testing.TB, env []string, name string) string {
	t.Helper()
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	t.Fatalf("%s not in %q", name, env)
	return ""
}

// fakeProgram talks to a Channel the way gonbui does, from inside the test.
type fakeProgram struct {
	w   *os.File
	r   *os.File
	enc *gob.Encoder
	dec *gob.Decoder
}

// openLikeGonbui opens the pipes in gonbui's order: writer, then reader.
func openLikeGonbui(t testing.TB, env []string, readBack bool) *fakeProgram {
	t.Helper()
	w, err := os.OpenFile(envValue(t, env, protocol.GONB_PIPE_ENV), os.O_WRONLY, 0)
	if err != nil {
		t.Fatalf("open GONB_PIPE: %v", err)
	}
	p := &fakeProgram{w: w, enc: gob.NewEncoder(w)}
	if readBack {
		r, err := os.OpenFile(envValue(t, env, protocol.GONB_PIPE_BACK_ENV), os.O_RDONLY, 0)
		if err != nil {
			t.Fatalf("open GONB_PIPE_BACK: %v", err)
		}
		p.r, p.dec = r, gob.NewDecoder(r)
	}
	return p
}

func (p *fakeProgram) send(t testing.TB, d *protocol.DisplayData) {
	t.Helper()
	if err := p.enc.Encode(d); err != nil {
		t.Fatalf("program send: %v", err)
	}
}

// sync does what gonbui.Sync does and waits for the acknowledgement.
func (p *fakeProgram) sync(t testing.TB, id int) {
	t.Helper()
	p.send(t, &protocol.DisplayData{Data: mimes{protocol.MIMECommValue: &protocol.CommValue{Address: protocol.GonbuiSyncAddress, Value: id}}})
	var ack protocol.CommValue
	if err := p.dec.Decode(&ack); err != nil {
		t.Fatalf("program waiting for sync ack: %v", err)
	}
	if ack.Address != protocol.GonbuiSyncAckAddress || ack.Value != id {
		t.Fatalf("sync ack = %+v, want %q with %d", ack, protocol.GonbuiSyncAckAddress, id)
	}
}

func (p *fakeProgram) close() {
	p.w.Close()
	if p.r != nil {
		p.r.Close()
	}
}

// leakCheck records goroutines and open fds now and, at cleanup, fails if
// more remain. Goroutines that are ending get a moment to finish.
func leakCheck(t *testing.T) {
	t.Helper()
	g0, f0 := runtime.NumGoroutine(), openFDs(t)
	t.Cleanup(func() {
		var g, f int
		for range 200 {
			g, f = runtime.NumGoroutine(), openFDs(t)
			if g <= g0 && f <= f0 {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		buf := make([]byte, 1<<16)
		t.Errorf("leak: goroutines %d -> %d, fds %d -> %d\n%s", g0, g, f0, f, buf[:runtime.Stack(buf, true)])
	})
}

func openFDs(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count fds: %v", err)
	}
	return len(ents)
}

// serve starts c serving h.
func serve(ctx context.Context, c *Channel, h Handler) <-chan error {
	return c.Start(ctx, h)
}

// wait gets Serve's result, failing rather than hanging the test binary.
func wait(t testing.TB, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return")
		return nil
	}
}

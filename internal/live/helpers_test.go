package live

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/engine"
)

// workerBinary is the conclab-live program, built once by TestMain.
var workerBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "livetest")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	workerBinary = filepath.Join(dir, WorkerName)
	build := exec.Command("go", "build", "-o", workerBinary, "github.com/conclab/conclab/cmd/conclab-live")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build worker:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// recorder is an engine.Output that keeps everything.
type recorder struct {
	mu       sync.Mutex
	stdout   strings.Builder
	stderr   strings.Builder
	displays []display.Data
	results  []string
	inputs   []string // answers Input gives, in order
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if name == "stdout" {
		r.stdout.WriteString(text)
	} else {
		r.stderr.WriteString(text)
	}
}

func (r *recorder) Display(d display.Data) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.displays = append(r.displays, d)
}

func (r *recorder) Input(ctx context.Context, prompt string, password bool) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.inputs) == 0 {
		return "", engine.ErrNoStdin
	}
	s := r.inputs[0]
	r.inputs = r.inputs[1:]
	return s, nil
}

func (r *recorder) Result(data map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.results = append(r.results, fmt.Sprint(data["text/plain"]))
}

func (r *recorder) Stdout() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stdout.String()
}

func (r *recorder) Stderr() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stderr.String()
}

func (r *recorder) Results() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.results...)
}

func (r *recorder) Displays() []display.Data {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]display.Data(nil), r.displays...)
}

// newTestEngine makes an engine on the test worker, closed with the test.
func newTestEngine(t testing.TB) *Engine {
	t.Helper()
	e := New(Options{Binary: workerBinary, TempDir: t.TempDir(), Dir: t.TempDir()})
	t.Cleanup(func() { e.Close() })
	return e
}

// run executes a cell with a bound on time, failing the test on a kernel
// error (not on a cell error, which it returns).
func run(t testing.TB, e *Engine, code string) (*recorder, *engine.Error) {
	t.Helper()
	out := &recorder{}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := e.Execute(ctx, engine.Cell{Code: code}, out)
	if err == nil {
		return out, nil
	}
	var ce *engine.Error
	if !errors.As(err, &ce) {
		t.Fatalf("Execute(%q): kernel error %v", code, err)
	}
	return out, ce
}

// mustRun executes a cell that must succeed.
func mustRun(t testing.TB, e *Engine, code string) *recorder {
	t.Helper()
	out, ce := run(t, e, code)
	if ce != nil {
		t.Fatalf("Execute(%q): %s: %s\n%s\nstderr: %s", code, ce.Name, ce.Value, strings.Join(ce.Traceback, "\n"), out.Stderr())
	}
	return out
}

// eventually polls cond until it holds or the time bound passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// processAlive reports whether pid exists (and is not a zombie we reaped).
func processAlive(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	fields := strings.Fields(string(b))
	return len(fields) > 2 && fields[2] != "Z"
}

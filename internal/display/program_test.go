package display

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// The gonbui test program is built once, in its own module, from
// testdata/gonbuiprog; it needs only the module cache.
var gonbuiProg struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if gonbuiProg.dir != "" {
		os.RemoveAll(gonbuiProg.dir)
	}
	os.Exit(code)
}

func gonbuiProgram(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a Go program")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("no go command: %v", err)
	}
	gonbuiProg.once.Do(func() {
		gonbuiProg.dir, gonbuiProg.err = os.MkdirTemp("", "gonbuiprog")
		if gonbuiProg.err == nil {
			gonbuiProg.bin, gonbuiProg.err = buildGonbuiProgram(gonbuiProg.dir)
		}
	})
	if gonbuiProg.err != nil {
		t.Fatalf("build test program: %v", gonbuiProg.err)
	}
	return gonbuiProg.bin
}

// buildGonbuiProgram makes a module in dir with this module's requirements
// (so every version is one the module cache holds) and builds it offline.
func buildGonbuiProgram(dir string) (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	mod, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	mod = regexp.MustCompile(`(?m)^module .*$`).ReplaceAll(mod, []byte("module gonbuiprog"))
	sum, err := os.ReadFile(filepath.Join(filepath.Dir(gomod), "go.sum"))
	if err != nil {
		return "", err
	}
	src, err := os.ReadFile(filepath.Join("testdata", "gonbuiprog", "main.go"))
	if err != nil {
		return "", err
	}
	for name, b := range map[string][]byte{"go.mod": mod, "go.sum": sum, "main.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return "", err
		}
	}
	bin := filepath.Join(dir, "gonbuiprog")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
}

// cellRun is one run of the test program against a Channel.
type cellRun struct {
	c      *Channel
	cmd    *exec.Cmd
	rec    *recorder
	served <-chan error
	stdin  *os.File      // the kernel's end of the program's stdin
	stdout *bufio.Reader // the program's stdout, line by line
	stderr bytes.Buffer
}

func startProgram(t *testing.T, mode string, opts ...Option) *cellRun {
	t.Helper()
	return startProgramAnswering(t, mode, "", opts...)
}

// startProgramAnswering starts the program in mode; the Handler answers each
// input request by writing answer and a newline to the program's stdin.
func startProgramAnswering(t *testing.T, mode, answer string, opts ...Option) *cellRun {
	t.Helper()
	bin := gonbuiProgram(t)
	c, err := Open(t.TempDir(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	stdinR, stdinW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r := &cellRun{c: c, rec: &recorder{}, stdin: stdinW}
	if answer != "" {
		r.rec.onInput = func(string, bool) { io.WriteString(stdinW, answer+"\n") }
	}
	r.served = c.Start(t.Context(), r.rec)
	r.cmd = exec.Command(bin, mode)
	r.cmd.Env = append(os.Environ(), c.Env()...)
	r.cmd.Stdin = stdinR
	r.cmd.Stderr = &r.stderr
	out, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	r.stdout = bufio.NewReader(out)
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stdinR.Close()
	t.Cleanup(func() {
		r.cmd.Process.Kill()
		r.cmd.Wait()
		stdinW.Close()
		c.Close()
	})
	return r
}

// line reads one line of the program's stdout. A program that hangs (say,
// in a gonbui.Sync nobody answers) is killed so the test fails, not hangs.
func (r *cellRun) line(t *testing.T) string {
	t.Helper()
	type result struct {
		s   string
		err error
	}
	got := make(chan result, 1)
	go func() {
		s, err := r.stdout.ReadString('\n')
		got <- result{s, err}
	}()
	select {
	case res := <-got:
		if res.err != nil {
			t.Fatalf("program stdout: %v", res.err)
		}
		return strings.TrimSuffix(res.s, "\n")
	case <-time.After(30 * time.Second):
		r.cmd.Process.Kill()
		<-got
		t.Fatal("the program printed nothing for 30s: it is blocked")
		return ""
	}
}

// finish waits for the program, closes the channel and returns the program's
// exit error and Serve's result.
func (r *cellRun) finish(t *testing.T) (exitErr, serveErr error) {
	t.Helper()
	io.Copy(io.Discard, r.stdout)
	exitErr = r.cmd.Wait()
	if err := r.c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	return exitErr, wait(t, r.served)
}

func htmlOf(ds []Data) []string {
	var s []string
	for _, d := range ds {
		s = append(s, fmt.Sprint(d.Data["text/html"]))
	}
	return s
}

func TestProgramDisplays(t *testing.T) {
	tests := []struct {
		mode  string
		check func(t *testing.T, ds []Data)
	}{
		{"html", func(t *testing.T, ds []Data) {
			if len(ds) != 1 || ds[0].Data["text/html"] != "<b>hello</b>" || ds[0].DisplayID != "" || ds[0].Update {
				t.Fatalf("displays = %#v", ds)
			}
		}},
		{"markdown", func(t *testing.T, ds []Data) {
			if len(ds) != 1 || ds[0].Data["text/markdown"] != "**bold** $x^2$" {
				t.Fatalf("displays = %#v", ds)
			}
		}},
		{"png", func(t *testing.T, ds []Data) {
			if len(ds) != 1 {
				t.Fatalf("displays = %#v", ds)
			}
			s, ok := ds[0].Data["image/png"].(string)
			if !ok {
				t.Fatalf("image/png is %T, want base64 text", ds[0].Data["image/png"])
			}
			raw, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				t.Fatalf("image/png is not base64: %v", err)
			}
			img, err := png.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("image/png is not a PNG: %v", err)
			}
			if r, g, b, a := img.At(1, 1).RGBA(); img.Bounds().Dx() != 2 || r != 0xffff || g != 0 || b != 0 || a != 0xffff {
				t.Fatalf("PNG is %v with pixel %v, want a 2x2 red square", img.Bounds(), img.At(1, 1))
			}
		}},
		{"svg", func(t *testing.T, ds []Data) {
			if len(ds) != 2 {
				t.Fatalf("displays = %#v", ds)
			}
			if h, _ := ds[0].Data["text/html"].(string); !strings.HasPrefix(h, "<div><svg") {
				t.Errorf("DisplaySVG gave %#v, want SVG inside HTML", ds[0].Data)
			}
			if s, _ := ds[1].Data["image/svg+xml"].(string); !strings.HasPrefix(s, "<svg") {
				t.Errorf("image/svg+xml gave %#v, want the SVG text", ds[1].Data)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			leakCheck(t)
			r := startProgram(t, tt.mode)
			exitErr, serveErr := r.finish(t)
			if exitErr != nil || serveErr != nil {
				t.Fatalf("program: %v, Serve: %v, stderr: %s", exitErr, serveErr, r.stderr.String())
			}
			ds, _ := r.rec.got()
			tt.check(t, ds)
		})
	}
}

func TestProgramUpdateHTML(t *testing.T) {
	r := startProgram(t, "update")
	id := r.line(t)
	if exitErr, serveErr := r.finish(t); exitErr != nil || serveErr != nil {
		t.Fatalf("program: %v, Serve: %v", exitErr, serveErr)
	}
	ds, _ := r.rec.got()
	type shown struct {
		html, id string
		update   bool
	}
	want := []shown{
		{"step 0", id, false}, // the first UpdateHTML creates the block
		{"step 1", id, true},
		{"step 2", id, true},
		{"", id, true}, // erased
		{"done", "", false},
	}
	if len(ds) != len(want)+1 {
		t.Fatalf("got %d displays, want %d: %#v", len(ds), len(want)+1, ds)
	}
	for i, w := range want {
		if got := (shown{fmt.Sprint(ds[i].Data["text/html"]), ds[i].DisplayID, ds[i].Update}); got != w {
			t.Errorf("display %d = %+v, want %+v", i, got, w)
		}
	}
	if md := ds[len(want)]; md.Data["text/markdown"] != "*once*" || md.Update || !strings.HasPrefix(md.DisplayID, "md_") {
		t.Errorf("UpdateMarkdown display = %#v, want a new block", md)
	}
}

// gonbui.Sync returns only when everything sent before it has been handled.
func TestProgramSync(t *testing.T) {
	r := startProgram(t, "sync")
	if got := r.line(t); got != "synced" {
		t.Fatalf("program said %q", got)
	}
	if ds, _ := r.rec.got(); len(ds) != 200 {
		t.Fatalf("Sync returned after %d of 200 displays were handled", len(ds))
	}
	if got := r.line(t); got != "synced again" {
		t.Fatalf("program said %q", got)
	}
	if exitErr, serveErr := r.finish(t); exitErr != nil || serveErr != nil {
		t.Fatalf("program: %v, Serve: %v", exitErr, serveErr)
	}
	ds, _ := r.rec.got()
	for i, h := range htmlOf(ds) {
		if h != fmt.Sprint(i) {
			t.Fatalf("display %d is %q: out of order", i, h)
		}
	}
}

func TestProgramRequestInput(t *testing.T) {
	for _, mode := range []string{"input", "password"} {
		t.Run(mode, func(t *testing.T) {
			r := startProgramAnswering(t, mode, "Ada Lovelace")
			if got := r.line(t); got != "got Ada Lovelace" {
				t.Fatalf("program said %q", got)
			}
			if exitErr, serveErr := r.finish(t); exitErr != nil || serveErr != nil {
				t.Fatalf("program: %v, Serve: %v", exitErr, serveErr)
			}
			_, inputs := r.rec.got()
			want := protocol.InputRequest{Prompt: mode + "?", Password: mode == "password"}
			if len(inputs) != 1 || inputs[0] != want {
				t.Fatalf("inputs = %+v, want [%+v]", inputs, want)
			}
		})
	}
}

func TestProgramWidgetsDoNotBlock(t *testing.T) {
	r := startProgram(t, "widgets")
	if got := r.line(t); got != "value 0" {
		t.Fatalf("program said %q", got)
	}
	if exitErr, serveErr := r.finish(t); exitErr != nil || serveErr != nil {
		t.Fatalf("program: %v, Serve: %v", exitErr, serveErr)
	}
	if ds, _ := r.rec.got(); len(ds) != 1 || ds[0].Data["text/html"] != "after widgets" {
		t.Fatalf("displays = %#v", ds)
	}
}

func TestProgramNeverOpensPipes(t *testing.T) {
	leakCheck(t)
	r := startProgram(t, "none")
	if got := r.line(t); got != "no display" {
		t.Fatalf("program said %q", got)
	}
	if exitErr, serveErr := r.finish(t); exitErr != nil || serveErr != nil {
		t.Fatalf("program: %v, Serve: %v", exitErr, serveErr)
	}
	if ds, in := r.rec.got(); len(ds)+len(in) != 0 {
		t.Fatalf("got %v %v", ds, in)
	}
}

func TestProgramPanicsAfterDisplay(t *testing.T) {
	r := startProgram(t, "panic-after-display")
	exitErr, serveErr := r.finish(t)
	if exitErr == nil {
		t.Fatal("the program did not fail")
	}
	if serveErr != nil {
		t.Fatalf("Serve: %v", serveErr)
	}
	if got := htmlOf(first(r.rec.got())); len(got) != 1 || got[0] != "before the crash" {
		t.Fatalf("displays = %q, want the one sent before the panic", got)
	}
}

func TestProgramCrashesMidWrite(t *testing.T) {
	leakCheck(t)
	r := startProgram(t, "crash-mid-write")
	exitErr, serveErr := r.finish(t)
	if exitErr == nil {
		t.Fatal("the program did not fail")
	}
	if !errors.Is(serveErr, io.ErrUnexpectedEOF) {
		t.Fatalf("Serve = %v, want io.ErrUnexpectedEOF", serveErr)
	}
	if got := htmlOf(first(r.rec.got())); len(got) != 1 || got[0] != "whole" {
		t.Fatalf("displays = %q, want only the whole message", got)
	}
}

func TestProgramKilledWhileDisplaying(t *testing.T) {
	leakCheck(t)
	r := startProgram(t, "flood")
	if got := r.line(t); got != "started" {
		t.Fatalf("program said %q", got)
	}
	if err := r.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, serveErr := r.finish(t)
	// The kill may land between two messages or inside one.
	if serveErr != nil && !errors.Is(serveErr, io.ErrUnexpectedEOF) {
		t.Fatalf("Serve = %v", serveErr)
	}
	if got := htmlOf(first(r.rec.got())); len(got) == 0 || got[0] != "first" {
		t.Fatalf("displays start with %q, want \"first\"", got[:min(len(got), 1)])
	}
	for _, k := range []string{protocol.GONB_PIPE_ENV, protocol.GONB_PIPE_BACK_ENV} {
		if _, err := os.Stat(envValue(t, r.c.Env(), k)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind: %v", k, err)
		}
	}
}

// Close while the program still runs and holds its pipes: Close gives up after
// the grace period, and the program is not left blocked.
func TestProgramStillRunningAtClose(t *testing.T) {
	r := startProgram(t, "hold", WithGrace(50*time.Millisecond))
	if got := r.line(t); got != "holding" {
		t.Fatalf("program said %q", got)
	}
	if err := r.c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := wait(t, r.served); err != nil {
		t.Fatalf("Serve = %v", err)
	}
	if got := htmlOf(first(r.rec.got())); len(got) != 1 || got[0] != "held" {
		t.Fatalf("displays = %q", got)
	}
}

func first[A, B any](a A, _ B) A { return a }

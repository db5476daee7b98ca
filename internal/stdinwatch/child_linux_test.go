package stdinwatch

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The stdin test program is built once from testdata/stdinprog.
var stdinProg struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if stdinProg.dir != "" {
		os.RemoveAll(stdinProg.dir)
	}
	os.Exit(code)
}

func stdinProgram(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a Go program")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skipf("no go command: %v", err)
	}
	stdinProg.once.Do(func() {
		stdinProg.dir, stdinProg.err = os.MkdirTemp("", "stdinprog")
		if stdinProg.err != nil {
			return
		}
		src, err := os.ReadFile(filepath.Join("testdata", "stdinprog", "main.go"))
		if err != nil {
			stdinProg.err = err
			return
		}
		files := map[string]string{"go.mod": "module stdinprog\n\ngo 1.26\n", "main.go": string(src)}
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(stdinProg.dir, name), []byte(content), 0o644); err != nil {
				stdinProg.err = err
				return
			}
		}
		stdinProg.bin = filepath.Join(stdinProg.dir, "stdinprog")
		cmd := exec.Command("go", "build", "-o", stdinProg.bin, ".")
		cmd.Dir = stdinProg.dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOTOOLCHAIN=local")
		if out, err := cmd.CombinedOutput(); err != nil {
			stdinProg.err = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if stdinProg.err != nil {
		t.Fatalf("build test program: %v", stdinProg.err)
	}
	return stdinProg.bin
}

// child is a running stdinprog.
type child struct {
	cmd    *exec.Cmd
	stdin  *os.File // the kernel's end
	stdout *bufio.Reader
}

type pipeFunc func() (r, w *os.File, err error)

func startChild(t testing.TB, mode string, pipe pipeFunc) *child {
	t.Helper()
	bin := stdinProgram(t)
	r, w, err := pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, mode)
	cmd.Stdin = r
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	c := &child{cmd: cmd, stdin: w, stdout: bufio.NewReader(out)}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		w.Close()
	})
	return c
}

// line reads a line of the child's output, killing a child that hangs so the
// test fails instead.
func (c *child) line(t testing.TB) string {
	t.Helper()
	type result struct {
		s   string
		err error
	}
	got := make(chan result, 1)
	go func() {
		s, err := c.stdout.ReadString('\n')
		got <- result{s, err}
	}()
	select {
	case res := <-got:
		if res.err != nil {
			t.Fatalf("child stdout: %v", res.err)
		}
		return strings.TrimSuffix(res.s, "\n")
	case <-time.After(30 * time.Second):
		c.cmd.Process.Kill()
		<-got
		t.Fatal("the child printed nothing for 30s")
		return ""
	}
}

// waitUntilWaiting polls Waiting until it reports true.
func waitUntilWaiting(t testing.TB, pid int) {
	t.Helper()
	for start := time.Now(); time.Since(start) < 30*time.Second; time.Sleep(time.Millisecond) {
		ok, err := Waiting(pid)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
	}
	t.Fatal("Waiting never reported the child's read")
}

// neverWaiting checks Waiting over many polls.
func neverWaiting(t testing.TB, pid int) {
	t.Helper()
	for range 100 {
		ok, err := Waiting(pid)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			t.Fatal("Waiting = true")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestWaitingOnChild(t *testing.T) {
	for _, mode := range []string{"scanln", "bufio", "goroutine"} {
		t.Run(mode, func(t *testing.T) {
			c := startChild(t, mode, Pipe)
			pid := c.cmd.Process.Pid
			waitUntilWaiting(t, pid)
			if _, err := io.WriteString(c.stdin, "Ada\n"); err != nil {
				t.Fatal(err)
			}
			if got := c.line(t); got != "got Ada" {
				t.Fatalf("child said %q", got)
			}
			if err := c.cmd.Wait(); err != nil {
				t.Fatal(err)
			}
			if _, err := Waiting(pid); !errors.Is(err, os.ErrProcessDone) {
				t.Fatalf("Waiting after exit: %v, want os.ErrProcessDone", err)
			}
		})
	}
}

func TestWaitingChildThatNeverReads(t *testing.T) {
	c := startChild(t, "never", Pipe)
	if got := c.line(t); got != "ready" {
		t.Fatalf("child said %q", got)
	}
	neverWaiting(t, c.cmd.Process.Pid)
}

// TestChildStdinMode shows which pipes make the child's reads visible.
func TestChildStdinMode(t *testing.T) {
	tests := []struct {
		name            string
		pipe            pipeFunc
		wantNonblocking bool
	}{
		{"Pipe", Pipe, false},
		// exec.Cmd passes it through File.Fd, which makes it blocking again.
		{"os.Pipe", os.Pipe, false},
		{"non-blocking pipe2", nonblockingPipe, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startChild(t, "flags", tt.pipe)
			want := "nonblocking false"
			if tt.wantNonblocking {
				want = "nonblocking true"
			}
			if got := c.line(t); got != want {
				t.Fatalf("child said %q, want %q", got, want)
			}
			if tt.wantNonblocking {
				// The child waits in its runtime poller: invisible.
				neverWaiting(t, c.cmd.Process.Pid)
			} else {
				waitUntilWaiting(t, c.cmd.Process.Pid)
			}
			io.WriteString(c.stdin, "x\n")
			if got := c.line(t); got != "got x" {
				t.Fatalf("child said %q", got)
			}
		})
	}
}

// nonblockingPipe is a pipe whose read end is non-blocking before Go sees it.
func nonblockingPipe() (r, w *os.File, err error) {
	var fds [2]int
	if err := syscall.Pipe2(fds[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		return nil, nil, err
	}
	return os.NewFile(uintptr(fds[0]), "r"), os.NewFile(uintptr(fds[1]), "w"), nil
}

func TestWatch(t *testing.T) {
	long := strings.Repeat("x", 3000) // fmt.Scanln reads it one byte per read(2)
	tests := []struct {
		name    string
		mode    string
		answers []string
		want    []string
	}{
		{"fmt.Scanln", "scanln", []string{"Ada"}, []string{"got Ada"}},
		{"bufio ReadString", "bufio", []string{"Ada"}, []string{"got Ada"}},
		{"two reads in a row", "twice", []string{"one", "two"}, []string{"first one", "second two"}},
		{"goroutine reads while main computes", "goroutine", []string{"Ada"}, []string{"got Ada"}},
		{"long answer read byte by byte", "scanln", []string{long}, []string{"got " + long}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := startChild(t, tt.mode, Pipe)
			var mu sync.Mutex
			fires := 0
			onWait := func() {
				mu.Lock()
				defer mu.Unlock()
				if fires < len(tt.answers) {
					io.WriteString(c.stdin, tt.answers[fires]+"\n")
				}
				fires++
			}
			watched := make(chan error, 1)
			go func() {
				watched <- Watch(t.Context(), c.cmd.Process.Pid, c.stdin, time.Millisecond, onWait)
			}()
			for _, w := range tt.want {
				if got := c.line(t); got != w {
					t.Fatalf("child said %q, want %q", got, w)
				}
			}
			if err := c.cmd.Wait(); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-watched:
				if err != nil {
					t.Fatalf("Watch: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("Watch did not return after the child ended")
			}
			mu.Lock()
			defer mu.Unlock()
			if fires != len(tt.answers) {
				t.Fatalf("onWait fired %d times, want %d", fires, len(tt.answers))
			}
		})
	}
}

func TestWatchChildThatNeverReads(t *testing.T) {
	c := startChild(t, "never", Pipe)
	if got := c.line(t); got != "ready" {
		t.Fatalf("child said %q", got)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	fires := 0
	if err := Watch(ctx, c.cmd.Process.Pid, c.stdin, time.Millisecond, func() { fires++ }); err != nil {
		t.Fatal(err)
	}
	if fires != 0 {
		t.Fatalf("onWait fired %d times for a child that never reads", fires)
	}
}

// When the kernel closes stdin (no input allowed), Watch ends and the
// child's read sees end of file.
func TestWatchEndsWhenStdinIsClosed(t *testing.T) {
	c := startChild(t, "bufio", Pipe)
	watched := make(chan error, 1)
	go func() {
		watched <- Watch(t.Context(), c.cmd.Process.Pid, c.stdin, time.Millisecond, func() { c.stdin.Close() })
	}()
	select {
	case err := <-watched:
		if err != nil {
			t.Fatalf("Watch: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Watch did not return after stdin was closed")
	}
	out, err := io.ReadAll(c.stdout)
	if err != nil || string(out) != "got " {
		t.Fatalf("child said %q (%v), want an empty line read at end of file", out, err)
	}
}

func TestWatchBadInterval(t *testing.T) {
	if err := Watch(t.Context(), os.Getpid(), nil, 0, func() {}); err == nil {
		t.Fatal("Watch with a zero interval succeeded")
	}
}

func BenchmarkWaitingSelf(b *testing.B) {
	pid := os.Getpid()
	for b.Loop() {
		if _, err := Waiting(pid); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWaitingBlockedChild(b *testing.B) {
	c := startChild(b, "scanln", Pipe)
	waitUntilWaiting(b, c.cmd.Process.Pid)
	pid := c.cmd.Process.Pid
	for b.Loop() {
		ok, err := Waiting(pid)
		if err != nil || !ok {
			b.Fatalf("Waiting = %v, %v", ok, err)
		}
	}
}

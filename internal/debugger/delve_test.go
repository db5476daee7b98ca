package debugger

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dlvPath finds the dlv that make builds (bin/dlv at the module's root), or
// CONCLAB_DLV.
func dlvPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CONCLAB_DLV"); p != "" {
		return p
	}
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "..", "bin", "dlv")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("no dlv at %s: run make build (it builds the dlv pinned in tools/dlv)", p)
	}
	return p
}

// buildCell builds a program whose main function's lines say they are the
// lines of the cell file cellPath (absolute, as the kernel names a cell for
// the debugger), without optimisations, as a debugged cell is built.
func buildCell(t *testing.T, dir, cellPath, body string) string {
	t.Helper()
	src := "package main\n\nimport (\n\t\"fmt\"\n\t\"sync\"\n)\n\nvar _ = sync.WaitGroup{}\nvar _ = fmt.Sprint\n\nfunc main() {\n//line " +
		cellPath + ":1:1\n" + body + "\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module cell\n\ngo 1.24\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "cell")
	cmd := exec.Command("go", "build", "-gcflags=all=-N -l", "-o", bin, ".")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// session starts dlv on bin with breakpoints at lines of cellPath, up to
// the program's start; the caller sends configurationDone.
func session(t *testing.T, ctx context.Context, bin, cellPath string, lines ...int) (*Delve, *os.File) {
	t.Helper()
	dir := t.TempDir()
	// A file, not a pipe: the program writes into it directly, and what it
	// wrote is there once it has exited.
	out, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	d, err := StartDelve(ctx, dlvPath(t), dir, func(c *exec.Cmd) { c.Stdout = out })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Stop(5 * time.Second) })
	if _, err := d.Call(ctx, "initialize", map[string]any{"adapterID": "go", "linesStartAt1": true, "columnsStartAt1": true, "pathFormat": "path"}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Call(ctx, "launch", map[string]any{"mode": "exec", "program": bin, "hideSystemGoroutines": true}); err != nil {
		t.Fatalf("launch: %v (%s)", err, d.Stderr())
	}
	waitEvent(t, ctx, d, "initialized")
	var bps []map[string]int
	for _, l := range lines {
		bps = append(bps, map[string]int{"line": l})
	}
	resp, err := d.Call(ctx, "setBreakpoints", map[string]any{"source": map[string]string{"path": cellPath}, "breakpoints": bps})
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Breakpoints []struct {
			Verified bool
			Line     int
			Message  string
		}
	}
	json.Unmarshal(resp.Body, &set)
	if len(set.Breakpoints) != len(lines) {
		t.Fatalf("breakpoints set: %s", resp.Body)
	}
	for i, b := range set.Breakpoints {
		if !b.Verified || b.Line != lines[i] {
			t.Fatalf("breakpoint %d: %+v", lines[i], b)
		}
	}
	return d, out
}

func waitEvent(t *testing.T, ctx context.Context, d *Delve, name string) Message {
	t.Helper()
	for {
		select {
		case m, ok := <-d.Events():
			if !ok {
				t.Fatalf("session ended waiting for %s: %v (%s)", name, d.Err(), d.Stderr())
			}
			if m.Event == name {
				return m
			}
		case <-ctx.Done():
			t.Fatalf("no %s event: %v", name, ctx.Err())
		}
	}
}

// A breakpoint in a cell line stops there, with the cell's file and line on
// the stack and the variables the code set; continue runs to the end.
func TestDelveStopsAtACellLine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	cellPath := filepath.Join(dir, "conclab_ipykernel_1", "1443478927.go")
	bin := buildCell(t, dir, cellPath, "x := 41\nx++\nfmt.Println(\"x is\", x)")
	d, out := session(t, ctx, bin, cellPath, 2)
	if _, err := d.Call(ctx, "configurationDone", nil); err != nil {
		t.Fatal(err)
	}
	stopped := waitEvent(t, ctx, d, "stopped")
	var sb struct {
		Reason   string
		ThreadID int `json:"threadId"`
	}
	json.Unmarshal(stopped.Body, &sb)
	if sb.Reason != "breakpoint" || sb.ThreadID <= 0 {
		t.Fatalf("stopped: %s", stopped.Body)
	}
	resp, err := d.Call(ctx, "stackTrace", map[string]int{"threadId": sb.ThreadID})
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		StackFrames []struct {
			ID     int
			Name   string
			Line   int
			Source struct{ Path string }
		}
	}
	json.Unmarshal(resp.Body, &st)
	if len(st.StackFrames) == 0 || st.StackFrames[0].Source.Path != cellPath || st.StackFrames[0].Line != 2 {
		t.Fatalf("stack: %s", resp.Body)
	}
	resp, err = d.Call(ctx, "scopes", map[string]int{"frameId": st.StackFrames[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	var sc struct {
		Scopes []struct {
			Name               string
			VariablesReference int
		}
	}
	json.Unmarshal(resp.Body, &sc)
	if len(sc.Scopes) == 0 || !strings.HasPrefix(sc.Scopes[0].Name, "Locals") || strings.Contains(sc.Scopes[0].Name, "optimized") {
		t.Fatalf("scopes: %s", resp.Body)
	}
	resp, err = d.Call(ctx, "variables", map[string]int{"variablesReference": sc.Scopes[0].VariablesReference})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp.Body), `"name":"x","value":"41"`) {
		t.Fatalf("variables: %s", resp.Body)
	}
	if _, err := d.Call(ctx, "continue", map[string]int{"threadId": sb.ThreadID}); err != nil {
		t.Fatal(err)
	}
	exited := waitEvent(t, ctx, d, "exited")
	if !strings.Contains(string(exited.Body), `"exitCode":0`) {
		t.Errorf("exited: %s", exited.Body)
	}
	if got, _ := os.ReadFile(out.Name()); string(got) != "x is 42\n" {
		t.Errorf("the program printed %q", got)
	}
}

// Goroutines are DAP threads: a breakpoint inside a goroutine stops there,
// and threads lists every goroutine of the cell.
func TestDelveListsGoroutinesAsThreads(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	cellPath := filepath.Join(dir, "conclab_ipykernel_1", "42.go")
	body := "var wg sync.WaitGroup\nblock := make(chan int)\nfor i := range 4 {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\tblock <- i\n\t}()\n}\nfor range 4 {\n\t<-block\n}\nwg.Wait()"
	bin := buildCell(t, dir, cellPath, body)
	d, _ := session(t, ctx, bin, cellPath, 10) // "for range 4": all four are blocked sending by then, or on their way
	if _, err := d.Call(ctx, "configurationDone", nil); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, ctx, d, "stopped")
	resp, err := d.Call(ctx, "threads", nil)
	if err != nil {
		t.Fatal(err)
	}
	var th struct {
		Threads []struct {
			ID   int
			Name string
		}
	}
	json.Unmarshal(resp.Body, &th)
	cellGoroutines := 0
	for _, g := range th.Threads {
		if strings.Contains(g.Name, "main.main") {
			cellGoroutines++
		}
	}
	if cellGoroutines < 5 { // main and the four it started (main.main.func1)
		t.Fatalf("threads: %s", resp.Body)
	}
	for _, g := range th.Threads {
		if strings.Contains(g.Name, "main.main.func") {
			resp, err := d.Call(ctx, "stackTrace", map[string]int{"threadId": g.ID})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(resp.Body), strconv.Quote(cellPath)) {
				t.Errorf("goroutine %d (%s): no frame in the cell: %s", g.ID, g.Name, resp.Body)
			}
		}
	}
}

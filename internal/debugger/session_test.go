package debugger

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// request makes a debug_request's content.
func request(seq int, command string, args any) Message {
	m := Message{Seq: seq, Type: "request", Command: command}
	if args != nil {
		m.Arguments, _ = json.Marshal(args)
	}
	return m
}

func TestSessionAnswersJupyterLabsOwnRequests(t *testing.T) {
	ctx := context.Background()
	s, err := NewSession(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// debugInfo is answered before initialize: JupyterLab waits for it.
	var info struct {
		IsStarted     bool
		HashMethod    string
		HashSeed      uint32
		TmpFilePrefix string
		TmpFileSuffix string
		Breakpoints   []struct {
			Source      string
			Breakpoints []struct{ Line int }
		}
	}
	resp := s.Handle(ctx, request(0, "debugInfo", nil))
	if !resp.Succeeded() || json.Unmarshal(resp.Body, &info) != nil || info.IsStarted || info.HashMethod != "Murmur2" ||
		info.HashSeed != HashSeed || !strings.Contains(info.TmpFilePrefix, "ipykernel_") || info.TmpFileSuffix != ".go" {
		t.Fatalf("debugInfo: %+v %s", resp, resp.Body)
	}
	if resp := s.Handle(ctx, request(1, "initialize", map[string]any{"clientID": "jupyterlab"})); !resp.Succeeded() ||
		!strings.Contains(string(resp.Body), "runtime-fatal-throw") || resp.RequestSeq != 1 || resp.Command != "initialize" {
		t.Fatalf("initialize: %+v", resp)
	}
	if resp := s.Handle(ctx, request(2, "attach", nil)); !resp.Succeeded() || !s.Started() {
		t.Fatalf("attach: %+v", resp)
	}
	code := "x := 1\nfmt.Println(x)"
	resp = s.Handle(ctx, request(3, "dumpCell", map[string]string{"code": code}))
	var dumped struct{ SourcePath string }
	json.Unmarshal(resp.Body, &dumped)
	if !resp.Succeeded() || dumped.SourcePath != info.TmpFilePrefix+"1443478927.go" || dumped.SourcePath != s.Path(code) {
		t.Fatalf("dumpCell: %s, want %s1443478927.go", resp.Body, info.TmpFilePrefix)
	}
	if b, err := os.ReadFile(dumped.SourcePath); err != nil || string(b) != code {
		t.Fatalf("dumped file: %q, %v", b, err)
	}
	resp = s.Handle(ctx, request(4, "setBreakpoints", map[string]any{"source": map[string]string{"path": dumped.SourcePath},
		"breakpoints": []map[string]int{{"line": 2}}}))
	if !resp.Succeeded() || !strings.Contains(string(resp.Body), `"line":2`) || !strings.Contains(string(resp.Body), `"verified":true`) {
		t.Fatalf("setBreakpoints: %s", resp.Body)
	}
	s.Handle(ctx, request(5, "debugInfo", nil))
	json.Unmarshal(s.Handle(ctx, request(5, "debugInfo", nil)).Body, &info)
	if !info.IsStarted || len(info.Breakpoints) != 1 || info.Breakpoints[0].Source != dumped.SourcePath || info.Breakpoints[0].Breakpoints[0].Line != 2 {
		t.Fatalf("debugInfo after setBreakpoints: %+v", info)
	}
	if resp := s.Handle(ctx, request(6, "source", map[string]any{"source": map[string]string{"path": dumped.SourcePath}})); !strings.Contains(string(resp.Body), "fmt.Println(x)") {
		t.Errorf("source: %+v", resp)
	}
	if resp := s.Handle(ctx, request(7, "source", map[string]any{"source": map[string]string{"path": "/etc/passwd"}})); resp.Succeeded() {
		t.Errorf("source of a file that is no Go source: %s", resp.Body)
	}
	// Requests about a program, when none runs, fail with a message.
	for _, c := range []string{"stackTrace", "variables", "continue", "evaluate"} {
		if resp := s.Handle(ctx, request(8, c, map[string]int{"threadId": 1})); resp.Succeeded() || !strings.Contains(resp.Message, "no cell is running") {
			t.Errorf("%s with no program: %+v", c, resp)
		}
	}
	for _, bad := range []Message{request(9, "dumpCell", nil), request(10, "setBreakpoints", map[string]int{"line": 3})} {
		if resp := s.Handle(ctx, bad); resp.Succeeded() || resp.Message == "" {
			t.Errorf("%s with bad arguments: %+v", bad.Command, resp)
		}
	}
	if resp := s.Handle(ctx, request(11, "disconnect", nil)); !resp.Succeeded() || s.Started() {
		t.Fatalf("disconnect: %+v", resp)
	}
	json.Unmarshal(s.Handle(ctx, request(12, "debugInfo", nil)).Body, &info)
	if info.IsStarted || len(info.Breakpoints) != 0 {
		t.Errorf("debugInfo after disconnect: %+v", info)
	}
}

// JupyterLab's sequence around a cell run: breakpoints set before the run,
// a stopped event, the stack in the cell, the variables, continue, the end.
func TestSessionDebugsACell(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := NewSession(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	code := "x := 41\nx++\nfmt.Println(\"x is\", x)"
	path := s.Path(code)
	s.Handle(ctx, request(1, "initialize", nil))
	s.Handle(ctx, request(2, "attach", nil))
	s.Handle(ctx, request(3, "setBreakpoints", map[string]any{"source": map[string]string{"path": path}, "breakpoints": []map[string]int{{"line": 3}}}))

	dir := t.TempDir()
	bin := buildCell(t, dir, path, code)
	out, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	var mu sync.Mutex
	var events []Message
	stopped := make(chan Message, 1)
	p, err := s.Launch(ctx, dlvPath(t), t.TempDir(), bin, nil, nil, func(c *exec.Cmd) { c.Stdout = out }, func(m Message) {
		mu.Lock()
		events = append(events, m)
		mu.Unlock()
		if m.Event == "stopped" {
			stopped <- m
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var ev Message
	select {
	case ev = <-stopped:
	case <-ctx.Done():
		t.Fatal("no stopped event")
	}
	var sb struct {
		ThreadID int `json:"threadId"`
	}
	json.Unmarshal(ev.Body, &sb)
	var info struct{ StoppedThreads []int }
	json.Unmarshal(s.Handle(ctx, request(4, "debugInfo", nil)).Body, &info)
	if len(info.StoppedThreads) != 1 || info.StoppedThreads[0] != sb.ThreadID {
		t.Errorf("debugInfo's stoppedThreads %v, stopped thread %d", info.StoppedThreads, sb.ThreadID)
	}
	resp := s.Handle(ctx, request(5, "stackTrace", map[string]int{"threadId": sb.ThreadID}))
	if resp.RequestSeq != 5 || resp.Command != "stackTrace" || !strings.Contains(string(resp.Body), `"path":"`+path+`"`) || !strings.Contains(string(resp.Body), `"line":3`) {
		t.Fatalf("stackTrace: %+v %s", resp, resp.Body)
	}
	var st struct{ StackFrames []struct{ ID int } }
	json.Unmarshal(resp.Body, &st)
	resp = s.Handle(ctx, request(6, "scopes", map[string]int{"frameId": st.StackFrames[0].ID}))
	var sc struct {
		Scopes []struct{ VariablesReference int }
	}
	json.Unmarshal(resp.Body, &sc)
	resp = s.Handle(ctx, request(7, "variables", map[string]int{"variablesReference": sc.Scopes[0].VariablesReference}))
	if !strings.Contains(string(resp.Body), `"name":"x","value":"42"`) {
		t.Fatalf("variables: %s", resp.Body)
	}
	if resp := s.Handle(ctx, request(8, "continue", map[string]int{"threadId": sb.ThreadID})); !resp.Succeeded() {
		t.Fatalf("continue: %+v", resp)
	}
	select {
	case <-p.Ended():
	case <-ctx.Done():
		t.Fatal("the program did not end")
	}
	select {
	case <-p.Exited():
	case <-time.After(10 * time.Second):
		t.Fatal("dlv did not exit after the program ended")
	}
	if p.ExitCode() != 0 {
		t.Errorf("exit code %d", p.ExitCode())
	}
	if b, _ := os.ReadFile(out.Name()); string(b) != "x is 42\n" {
		t.Errorf("the program printed %q", b)
	}
	if resp := s.Handle(ctx, request(9, "stackTrace", map[string]int{"threadId": sb.ThreadID})); resp.Succeeded() {
		t.Errorf("stackTrace after the program ended: %s", resp.Body)
	}
}

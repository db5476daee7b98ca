package debugger

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"time"
)

// A Program is a cell's program running under Delve for a Session.
type Program struct {
	*Delve
	target   int           // the program's process id (dlv's child); 0 when not found
	ended    chan struct{} // closed when the program has ended and dlv has been told to go
	exitCode int           // from Delve's exited event; -1 when none came
}

// Target is the program's own process id (dlv launched it), or dlv's when
// it was not found: what watches the program's stdin reads looks there.
func (p *Program) Target() int {
	if p.target > 0 {
		return p.target
	}
	return p.Pid()
}

// Ended is closed once the program has ended (dlv then exits).
func (p *Program) Ended() <-chan struct{} { return p.ended }

// ExitCode is the program's exit status, once Ended is closed: -1 when
// Delve did not say (it was killed).
func (p *Program) ExitCode() int { return p.exitCode }

// Launch starts dlv, has it launch program with args, gives it the
// breakpoints JupyterLab set, and lets the program run. Delve's events go
// to publish (as debug_event), a stopped event once the session knows the
// stopped thread, so that JupyterLab's stackTrace request finds it. setup
// is StartDelve's. When the program ends, dlv is told to disconnect, and
// exits.
//
// cells are the program's cells: Delve translates between the files
// JupyterLab names them by and the files the program's //line directives
// name them by (substitutePath) in breakpoints and stacks, and the kernel
// names goroutines by their cells' labels.
func (s *Session) Launch(ctx context.Context, dlv, dir, program string, args []string, cells []CellFile, setup func(*exec.Cmd), publish func(Message)) (*Program, error) {
	d, err := StartDelve(ctx, dlv, dir, setup)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Program, error) {
		d.Stop(2 * time.Second)
		return nil, fmt.Errorf("debugger: %w (%s)", err, d.Stderr())
	}
	if _, err := d.Call(ctx, "initialize", map[string]any{
		"clientID": "conclab", "adapterID": "go", "pathFormat": "path", "linesStartAt1": true, "columnsStartAt1": true,
	}); err != nil {
		return fail(err)
	}
	subst := []map[string]string{}
	labels := map[string]string{}
	for _, c := range cells {
		subst = append(subst, map[string]string{"from": c.Client, "to": c.Server})
		labels[c.Client] = c.Label
	}
	if _, err := d.Call(ctx, "launch", map[string]any{
		"mode": "exec", "program": program, "args": orNone(args),
		"stopOnEntry": false, "hideSystemGoroutines": true, "stackTraceDepth": 50,
		"substitutePath": subst,
		// The program reads the stdin dlv was given (without a terminal
		// Delve would give it none).
		"stdinFrom": "/dev/stdin",
	}); err != nil {
		return fail(err)
	}
	if err := untilEvent(ctx, d, "initialized"); err != nil {
		return fail(err)
	}
	s.mu.Lock()
	bps := make([]json.RawMessage, 0, len(s.breakpoints))
	for _, a := range s.breakpoints {
		bps = append(bps, a)
	}
	exceptions := s.exceptions
	s.mu.Unlock()
	for _, a := range bps {
		resp, err := d.Call(ctx, "setBreakpoints", a)
		if err != nil {
			return fail(err)
		}
		s.recordLines(a, resp)
	}
	if exceptions == nil {
		exceptions = json.RawMessage(`{"filters":["unrecovered-panic","runtime-fatal-throw"]}`)
	}
	if _, err := d.Call(ctx, "setExceptionBreakpoints", exceptions); err != nil {
		return fail(err)
	}
	p := &Program{Delve: d, ended: make(chan struct{}), exitCode: -1}
	// Delve has started the program by now (launch), halted; dlv may have
	// a child of its own (its telemetry uploader).
	for _, kid := range childrenOf(d.Pid()) {
		if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", kid)); err == nil && exe == program {
			p.target = kid
		}
	}
	s.mu.Lock()
	s.program, s.stopped, s.cells = d, nil, labels
	s.mu.Unlock()
	go s.relay(p, publish)
	if _, err := d.Call(ctx, "configurationDone", nil); err != nil {
		s.mu.Lock()
		s.program = nil
		s.mu.Unlock()
		return fail(err)
	}
	return p, nil
}

// untilEvent reads d's events until one named name.
func untilEvent(ctx context.Context, d *Delve, name string) error {
	for {
		select {
		case m, ok := <-d.Events():
			if !ok {
				return fmt.Errorf("the session ended before its %s event: %v", name, d.Err())
			}
			if m.Event == name {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// relay passes Delve's events on until the session ends, keeping the
// stopped threads, and ends the session once the program has.
func (s *Session) relay(p *Program, publish func(Message)) {
	defer func() {
		s.mu.Lock()
		if s.program == p.Delve {
			s.program, s.stopped = nil, nil
		}
		s.mu.Unlock()
		close(p.ended)
	}()
	for m := range p.Events() {
		switch m.Event {
		case "stopped":
			var b map[string]any
			json.Unmarshal(m.Body, &b)
			id, ok := b["threadId"].(float64)
			if !ok {
				// A fatal error (a deadlock) stops on the runtime's own
				// stack, in no goroutine: show the main goroutine's.
				id = float64(s.someGoroutine(p.Delve))
				b["threadId"] = id
				if body, err := json.Marshal(b); err == nil {
					m.Body = body
				}
			}
			s.mu.Lock()
			s.stopped = []int{int(id)}
			s.mu.Unlock()
		case "continued":
			s.mu.Lock()
			s.stopped = nil
			s.mu.Unlock()
		case "exited":
			var b struct {
				ExitCode int `json:"exitCode"`
			}
			if json.Unmarshal(m.Body, &b) == nil {
				p.exitCode = b.ExitCode
			}
		case "terminated":
			publish(m)
			// The program is gone; dlv exits once told to disconnect.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			p.Do(ctx, "disconnect", map[string]any{"terminateDebuggee": true})
			cancel()
			continue
		}
		publish(m)
	}
}

// someGoroutine is the goroutine to show when a stop names none: the main
// one when it is alive, else the first Delve lists.
func (s *Session) someGoroutine(d *Delve) int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := d.Do(ctx, "threads", nil)
	var body struct {
		Threads []struct {
			ID int `json:"id"`
		} `json:"threads"`
	}
	if err != nil || json.Unmarshal(resp.Body, &body) != nil || len(body.Threads) == 0 {
		return 1
	}
	for _, t := range body.Threads {
		if t.ID == 1 {
			return 1
		}
	}
	return body.Threads[0].ID
}

// recordLines keeps the lines Delve set for a setBreakpoints request.
func (s *Session) recordLines(args json.RawMessage, resp Message) {
	var a struct{ Source struct{ Path string } }
	var body struct{ Breakpoints []struct{ Line int } }
	json.Unmarshal(args, &a)
	json.Unmarshal(resp.Body, &body)
	var lines []int
	for _, b := range body.Breakpoints {
		lines = append(lines, b.Line)
	}
	s.mu.Lock()
	if _, ok := s.breakpoints[a.Source.Path]; ok {
		s.lines[a.Source.Path] = lines
	}
	s.mu.Unlock()
}

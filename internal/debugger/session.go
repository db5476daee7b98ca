package debugger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"
)

// A Session is the kernel's side of the Jupyter debug protocol: what
// JupyterLab's debugger asks of a kernel (debug_request on the control
// channel), answered from the kernel's own state where the request is about
// cells and breakpoints, and by the program's Delve session where it is
// about the running program (stacks, variables, stepping).
//
// JupyterLab names each cell's file from its source (debugInfo's hash
// method, seed, prefix and suffix), and so does the kernel (Path): a
// breakpoint set in a cell's gutter names the file the kernel's //line
// directives give that cell's lines.
type Session struct {
	prefix string // tmpFilePrefix: a private directory, ending in a separator

	mu          sync.Mutex
	started     bool
	breakpoints map[string]json.RawMessage // cell file -> the last setBreakpoints arguments for it
	lines       map[string][]int           // cell file -> the lines set there, for debugInfo
	exceptions  json.RawMessage            // the last setExceptionBreakpoints arguments
	stopped     []int                      // the threads (goroutines) stopped now
	program     *Delve                     // the debugged cell's session, nil between cells
	cells       map[string]string          // the program's cell files (JupyterLab's names) -> "cell [3]"
}

// NewSession makes a session whose cell files go in dir/conclab_ipykernel_PID
// (made private): JupyterLab labels a frame "Cell [n]" only when its path
// holds "ipykernel_".
func NewSession(dir string) (*Session, error) {
	prefix := filepath.Join(dir, "conclab_ipykernel_"+strconv.Itoa(os.Getpid()))
	if err := os.MkdirAll(prefix, 0o700); err != nil {
		return nil, fmt.Errorf("debugger: %w", err)
	}
	return &Session{
		prefix:      prefix + string(filepath.Separator),
		breakpoints: map[string]json.RawMessage{},
		lines:       map[string][]int{},
	}, nil
}

// Close removes the session's cell files.
func (s *Session) Close() error { return os.RemoveAll(s.prefix) }

// Path is the file a cell of source code is named by, for breakpoints,
// //line directives and stack frames.
func (s *Session) Path(code string) string {
	return s.prefix + strconv.FormatUint(uint64(murmur2([]byte(code), HashSeed)), 10) + ".go"
}

// Started reports whether the debugger is on: cells are then built for it
// and run under Delve.
func (s *Session) Started() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started
}

// Handle answers one request with the response the kernel sends back as
// debug_reply's content: a failure is a response with success false and a
// message, never an error of the kernel's.
func (s *Session) Handle(ctx context.Context, req Message) Message {
	switch req.Command {
	case "debugInfo":
		return s.reply(req, s.debugInfo(), nil)
	case "initialize":
		s.mu.Lock()
		s.started = true
		s.mu.Unlock()
		return s.reply(req, capabilities, nil)
	case "attach", "configurationDone":
		return s.reply(req, nil, nil)
	case "disconnect":
		s.mu.Lock()
		s.started = false
		s.breakpoints, s.lines, s.exceptions, s.stopped = map[string]json.RawMessage{}, map[string][]int{}, nil, nil
		p := s.program
		s.mu.Unlock()
		if p != nil {
			// Delve kills the program it launched when told to disconnect.
			p.Do(ctx, "disconnect", map[string]any{"terminateDebuggee": true})
		}
		return s.reply(req, nil, nil)
	case "dumpCell":
		return s.dumpCell(req)
	case "setBreakpoints":
		return s.setBreakpoints(ctx, req)
	case "setExceptionBreakpoints":
		s.mu.Lock()
		s.exceptions = req.Arguments
		p := s.program
		s.mu.Unlock()
		if p != nil {
			return s.forward(ctx, p, req)
		}
		return s.reply(req, map[string]any{}, nil)
	case "source":
		return s.source(req)
	case "inspectVariables":
		// A compiled cell keeps no variables between runs, and while one
		// is stopped its variables come from scopes and variables, as
		// JupyterLab asks them. It asks this on every output of a cell.
		return s.reply(req, map[string]any{"variables": []any{}}, nil)
	case "richInspectVariables", "copyToGlobals":
		// debugInfo says richRendering and copyToGlobals are off.
		return s.reply(req, nil, fmt.Errorf("%s: not offered by conclab's debugger", req.Command))
	case "modules":
		return s.reply(req, map[string]any{"modules": []any{}, "totalModules": 0}, nil)
	}
	p := s.running()
	if p == nil {
		return s.reply(req, nil, fmt.Errorf("%s: no cell is running under the debugger", req.Command))
	}
	s.mu.Lock()
	cells := s.cells
	s.mu.Unlock()
	switch req.Command {
	case "continue", "next", "stepIn", "stepOut":
		s.mu.Lock()
		s.stopped = nil
		s.mu.Unlock()
	case "threads":
		return s.nameThreads(ctx, p, req, cells)
	case "stackTrace":
		return trimStack(s.forward(ctx, p, req), cells)
	}
	return s.forward(ctx, p, req)
}

// capabilities are what the debugger can do, as initialize answers: Delve's,
// less what JupyterLab would ask and a compiled cell cannot give.
var capabilities = map[string]any{
	"supportsConfigurationDoneRequest":  true,
	"supportsConditionalBreakpoints":    true,
	"supportsHitConditionalBreakpoints": true,
	"supportsEvaluateForHovers":         true,
	"supportsSetVariable":               true,
	"supportsExceptionInfoRequest":      true,
	"supportsLogPoints":                 true,
	"supportsClipboardContext":          true,
	"supportsDelayedStackTraceLoading":  true,
	"exceptionBreakpointFilters": []map[string]any{
		{"filter": "unrecovered-panic", "label": "Unrecovered panics", "default": true},
		{"filter": "runtime-fatal-throw", "label": "Fatal errors (deadlocks, concurrent map writes)", "default": true},
	},
}

// debugInfo is the state JupyterLab restores the debugger's view from.
func (s *Session) debugInfo() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	bps := []map[string]any{}
	for _, path := range slices.Sorted(maps.Keys(s.lines)) {
		lines := []map[string]int{}
		for _, l := range s.lines[path] {
			lines = append(lines, map[string]int{"line": l})
		}
		bps = append(bps, map[string]any{"source": path, "breakpoints": lines})
	}
	return map[string]any{
		"isStarted":      s.started,
		"hashMethod":     "Murmur2",
		"hashSeed":       uint32(HashSeed),
		"tmpFilePrefix":  s.prefix,
		"tmpFileSuffix":  ".go",
		"breakpoints":    bps,
		"stoppedThreads": append([]int{}, s.stopped...),
		"richRendering":  false,
		"exceptionPaths": []string{},
		"copyToGlobals":  false,
	}
}

func (s *Session) dumpCell(req Message) Message {
	var args struct{ Code *string }
	if err := json.Unmarshal(orEmpty(req.Arguments), &args); err != nil || args.Code == nil {
		return s.reply(req, nil, fmt.Errorf("dumpCell: arguments need code"))
	}
	path := s.Path(*args.Code)
	if err := os.WriteFile(path, []byte(*args.Code), 0o600); err != nil {
		return s.reply(req, nil, fmt.Errorf("dumpCell: %w", err))
	}
	return s.reply(req, map[string]string{"sourcePath": path}, nil)
}

func (s *Session) setBreakpoints(ctx context.Context, req Message) Message {
	var args struct {
		Source      struct{ Path string }
		Breakpoints []struct{ Line int }
	}
	if err := json.Unmarshal(orEmpty(req.Arguments), &args); err != nil || args.Source.Path == "" {
		return s.reply(req, nil, fmt.Errorf("setBreakpoints: arguments need source.path"))
	}
	path := args.Source.Path
	s.mu.Lock()
	p := s.program
	s.mu.Unlock()
	var set []int
	var resp Message
	if p != nil {
		resp = s.forward(ctx, p, req)
		var body struct {
			Breakpoints []struct {
				Verified bool
				Line     int
			}
		}
		json.Unmarshal(resp.Body, &body)
		for _, b := range body.Breakpoints {
			set = append(set, b.Line)
		}
	} else {
		// Between cells: kept, and given to Delve when a cell runs.
		var out []map[string]any
		for _, b := range args.Breakpoints {
			set = append(set, b.Line)
			out = append(out, map[string]any{"verified": true, "line": b.Line, "source": map[string]string{"path": path}})
		}
		resp = s.reply(req, map[string]any{"breakpoints": orNone(out)}, nil)
	}
	s.mu.Lock()
	if len(args.Breakpoints) == 0 {
		delete(s.breakpoints, path)
		delete(s.lines, path)
	} else {
		s.breakpoints[path] = req.Arguments
		s.lines[path] = set
	}
	s.mu.Unlock()
	return resp
}

// source serves a cell file (or a Go source file the stack shows) for the
// debugger's source view.
func (s *Session) source(req Message) Message {
	var args struct{ Source struct{ Path string } }
	json.Unmarshal(orEmpty(req.Arguments), &args)
	b, err := os.ReadFile(args.Source.Path)
	if err != nil || filepath.Ext(args.Source.Path) != ".go" {
		return s.reply(req, nil, fmt.Errorf("source unavailable"))
	}
	return s.reply(req, map[string]string{"content": string(b), "mimeType": "text/x-go"}, nil)
}

// forwardTimeout bounds the wait for Delve's answer: the kernel answers
// debug requests on the control channel, which must never hang (an
// interrupt comes that way too).
const forwardTimeout = 30 * time.Second

// forward sends req to the program's Delve session and returns Delve's
// response as the answer to req.
func (s *Session) forward(ctx context.Context, p *Delve, req Message) Message {
	ctx, cancel := context.WithTimeout(ctx, forwardTimeout)
	defer cancel()
	resp, err := p.Do(ctx, req.Command, req.Arguments)
	if errors.Is(err, context.DeadlineExceeded) {
		return s.reply(req, nil, fmt.Errorf("%s: Delve did not answer in %v", req.Command, forwardTimeout))
	}
	if err != nil {
		return s.reply(req, nil, err)
	}
	resp.RequestSeq, resp.Command = req.Seq, req.Command
	return resp
}

func (s *Session) running() *Delve {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.program
}

// reply makes the response to req: body on success, err's text on failure.
func (s *Session) reply(req Message, body any, err error) Message {
	ok := err == nil
	m := Message{Type: "response", RequestSeq: req.Seq, Command: req.Command, Success: &ok}
	if err != nil {
		m.Message = err.Error()
		return m
	}
	if body != nil {
		b, merr := json.Marshal(body)
		if merr != nil {
			no := false
			m.Success, m.Message = &no, merr.Error()
			return m
		}
		m.Body = b
	}
	return m
}

func orEmpty(b json.RawMessage) json.RawMessage {
	if len(b) == 0 {
		return json.RawMessage("{}")
	}
	return b
}

func orNone[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

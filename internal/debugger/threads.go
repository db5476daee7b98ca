package debugger

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// A CellFile is one cell of a debugged program: the file JupyterLab names
// it by (Session.Path), the file the program's //line directives name it
// by, and how the kernel speaks of it ("cell [3]").
type CellFile struct {
	Client, Server, Label string
}

// waitReasons name what a goroutine waits for, from the function it is
// parked in: the first match from the top of its stack.
var waitReasons = []struct{ fn, reason string }{
	{"runtime.chansend", "chan send"},
	{"runtime.chanrecv", "chan receive"},
	{"runtime.selectgo", "select"},
	{"runtime.block", "select with no cases"},
	{"sync.(*WaitGroup).Wait", "sync.WaitGroup.Wait"},
	{"sync.(*Mutex).Lock", "sync.Mutex.Lock"},
	{"sync.(*RWMutex).RLock", "sync.RWMutex.RLock"},
	{"sync.(*RWMutex).Lock", "sync.RWMutex.Lock"},
	{"sync.(*Cond).Wait", "sync.Cond.Wait"},
	{"sync.(*Once).doSlow", "sync.Once"},
	{"time.Sleep", "sleep"},
	{"internal/poll.", "I/O"},
	{"syscall.", "system call"},
	{"runtime.gopark", "waiting"},
}

// frame is what the kernel reads of a DAP stack frame.
type frame struct {
	Name   string `json:"name"`
	Line   int    `json:"line"`
	Source struct {
		Path string `json:"path"`
	} `json:"source"`
}

// describe names goroutine id as a student reads it: where in which cell
// it is, and what it waits for: "g7 (cell [3] line 5): chan send".
func describe(id int, frames []frame, cells map[string]string, stopped bool) string {
	where, above := "", frames
	for i, f := range frames {
		if label, ok := cells[f.Source.Path]; ok {
			where, above = fmt.Sprintf("%s line %d", label, f.Line), frames[:i]
			break
		}
	}
	if where == "" && len(frames) > 0 {
		where = frames[0].Name
	}
	reason := ""
	for _, w := range waitReasons {
		for _, f := range above {
			if reason == "" && strings.HasPrefix(f.Name, w.fn) {
				reason = w.reason
			}
		}
	}
	switch {
	case reason != "":
	case stopped:
		reason = "stopped here"
	default:
		reason = "running"
	}
	return fmt.Sprintf("g%d (%s): %s", id, where, reason)
}

// nameThreads answers threads with each goroutine named by describe, from
// Delve's list and each goroutine's stack.
func (s *Session) nameThreads(ctx context.Context, p *Delve, req Message, cells map[string]string) Message {
	resp := s.forward(ctx, p, req)
	var body struct {
		Threads []struct {
			ID   int    `json:"id"`
			Name string `json:"name"`
		} `json:"threads"`
	}
	if !resp.Succeeded() || json.Unmarshal(resp.Body, &body) != nil {
		return resp
	}
	s.mu.Lock()
	stopped := append([]int{}, s.stopped...)
	s.mu.Unlock()
	const most = 200 // a stack each: enough for any lesson
	for i := range body.Threads {
		if i >= most {
			break
		}
		t := &body.Threads[i]
		st, err := p.Do(ctx, "stackTrace", map[string]int{"threadId": t.ID, "levels": 30})
		var fs struct {
			StackFrames []frame `json:"stackFrames"`
		}
		if err != nil || !st.Succeeded() || json.Unmarshal(st.Body, &fs) != nil {
			continue
		}
		t.Name = describe(t.ID, fs.StackFrames, cells, len(stopped) > 0 && stopped[0] == t.ID)
	}
	b, err := json.Marshal(body)
	if err == nil {
		resp.Body = b
	}
	return resp
}

// trimStack drops from a stackTrace response the frames a student did not
// write and cannot act on: the runtime's below and above the cell's code,
// and conclab's own generated code. A stack with no frame in a cell keeps
// all its frames.
func trimStack(resp Message, cells map[string]string) Message {
	var body map[string]json.RawMessage
	if !resp.Succeeded() || json.Unmarshal(resp.Body, &body) != nil {
		return resp
	}
	var frames []json.RawMessage
	if json.Unmarshal(body["stackFrames"], &frames) != nil {
		return resp
	}
	inCell := false
	var keep []json.RawMessage
	for _, raw := range frames {
		var f frame
		json.Unmarshal(raw, &f)
		_, cell := cells[f.Source.Path]
		inCell = inCell || cell
		if !cell && (strings.HasPrefix(f.Name, "runtime.") || strings.HasPrefix(f.Source.Path, "/conclab/")) {
			continue
		}
		keep = append(keep, raw)
	}
	if !inCell || len(keep) == 0 {
		return resp
	}
	body["stackFrames"], _ = json.Marshal(keep)
	body["totalFrames"], _ = json.Marshal(len(keep))
	if b, err := json.Marshal(body); err == nil {
		resp.Body = b
	}
	return resp
}

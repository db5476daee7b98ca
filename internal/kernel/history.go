package kernel

import (
	"context"
	"regexp"
	"strings"
	"sync"

	"github.com/conclab/conclab/internal/wire"
)

// history is the session's input history, numbered by execution count.
type history struct {
	mu      sync.Mutex
	entries []historyEntry
}

type historyEntry struct {
	line   int
	input  string
	output *string // text/plain of the cell's execute_result, if it had one
}

func newHistory() *history { return &history{} }

func (h *history) add(line int, input string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append(h.entries, historyEntry{line: line, input: input})
}

// setOutput records the result shown for execution line.
func (h *history) setOutput(line int, output string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := len(h.entries) - 1; i >= 0; i-- {
		if h.entries[i].line == line {
			h.entries[i].output = &output
			return
		}
	}
}

type historyRequest struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"`
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           int    `json:"stop"`
	N              int    `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

// handleHistory answers tail, range and search over this session's inputs
// (session number 0, as IPython numbers the current session). Entries are
// [session, line, input] triples.
func (k *Kernel) handleHistory(_ context.Context, req *wire.Message, ch sender) error {
	var r historyRequest
	if err := req.DecodeContent(&r); err != nil {
		return k.reply(ch, req, "history_reply", newErrorReply("BadRequest", err.Error(), nil))
	}
	k.history.mu.Lock()
	entries := append([]historyEntry(nil), k.history.entries...)
	k.history.mu.Unlock()

	var picked []historyEntry
	switch r.HistAccessType {
	case "tail":
		picked = lastN(entries, r.N)
	case "range":
		if r.Session != 0 && r.Session != 1 {
			break // only the current session is kept
		}
		for _, e := range entries {
			if e.line >= r.Start && (r.Stop <= 0 || e.line < r.Stop) {
				picked = append(picked, e)
			}
		}
	case "search":
		pattern := r.Pattern
		if pattern == "" {
			pattern = "*"
		}
		seen := map[string]bool{}
		for i := len(entries) - 1; i >= 0; i-- {
			e := entries[i]
			if !globMatch(pattern, e.input) {
				continue
			}
			if r.Unique {
				if seen[e.input] {
					continue
				}
				seen[e.input] = true
			}
			picked = append([]historyEntry{e}, picked...)
		}
		picked = lastN(picked, r.N)
	default:
		return k.reply(ch, req, "history_reply", newErrorReply("BadRequest", "unknown hist_access_type "+r.HistAccessType, nil))
	}
	out := make([]HistoryEntry, 0, len(picked))
	for _, e := range picked {
		out = append(out, HistoryEntry{Session: 0, Line: e.line, Input: e.input, Output: e.output, WithOutput: r.Output})
	}
	return k.reply(ch, req, "history_reply", HistoryReply{Status: statusOK, History: out})
}

func lastN(e []historyEntry, n int) []historyEntry {
	if n > 0 && len(e) > n {
		return e[len(e)-n:]
	}
	return e
}

// globMatch matches s against a glob pattern as IPython's history search
// does: * is any text (newlines and slashes too), ? one character, [...] a class.
func globMatch(pattern, s string) bool {
	var re strings.Builder
	re.WriteString(`(?s)^`)
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			re.WriteString(`.*`)
		case '?':
			re.WriteString(`.`)
		case '[':
			if j := strings.IndexByte(pattern[i+1:], ']'); j > 0 {
				class := pattern[i+1 : i+1+j]
				if class[0] == '!' {
					class = "^" + class[1:]
				}
				re.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
				i += j + 1
				continue
			}
			re.WriteString(`\[`)
		default:
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString(`$`)
	ok, err := regexp.MatchString(re.String(), s)
	return err == nil && ok
}

package kernel

import (
	"encoding/json"
	"testing"
)

// TestReplyJSON checks the encodings the golden files do not reach: each
// typed content against the map literal the kernel sent before it had
// types.
func TestReplyJSON(t *testing.T) {
	out, empty := "42", ""
	tests := []struct {
		name string
		got  any
		want any // as the kernel built it before
	}{
		{"page payload",
			ExecuteReply{Status: statusOK, ExecutionCount: 3, UserExpressions: map[string]any{},
				Payload: []Payload{{Source: "page", Data: map[string]any{"text/plain": "doc"}, Start: 0}}},
			map[string]any{"status": "ok", "execution_count": 3, "user_expressions": map[string]any{},
				"payload": []any{map[string]any{"source": "page", "data": map[string]any{"text/plain": "doc"}, "start": 0}}}},
		{"bad execute_request",
			ExecuteErrorReply{ErrorReply: newErrorReply("BadRequest", "no", nil), ExecutionCount: 2},
			map[string]any{"status": "error", "ename": "BadRequest", "evalue": "no", "traceback": []string{}, "execution_count": 2}},
		{"incomplete, no indent",
			IsCompleteReply{Status: "incomplete", Indent: &empty},
			map[string]any{"status": "incomplete", "indent": ""}},
		{"history entries",
			HistoryReply{Status: statusOK, History: []HistoryEntry{
				{Session: 0, Line: 1, Input: "x"},
				{Session: 0, Line: 2, Input: "y", Output: &out, WithOutput: true},
				{Session: 0, Line: 3, Input: "z", WithOutput: true},
			}},
			map[string]any{"status": "ok", "history": [][]any{
				{0, 1, "x"},
				{0, 2, []any{"y", &out}},
				{0, 3, []any{"z", (*string)(nil)}},
			}}},
		{"completion types",
			CompleteReply{Status: statusOK, Matches: []string{"Println"}, CursorStart: 4, CursorEnd: 6,
				Metadata: CompleteMetadata{Types: []CompletionType{{Text: "Println", Type: "function", Signature: "func(a ...any)", Start: 4, End: 6}}}},
			map[string]any{"status": "ok", "matches": []string{"Println"}, "cursor_start": 4, "cursor_end": 6,
				"metadata": map[string]any{"_jupyter_types_experimental": []map[string]any{
					{"text": "Println", "type": "function", "signature": "func(a ...any)", "start": 4, "end": 6}}}}},
		{"comm_info with a comm",
			CommInfoReply{Status: statusOK, Comms: map[string]CommInfo{"c1": {TargetName: "t"}}},
			map[string]any{"status": "ok", "comms": map[string]any{"c1": map[string]any{"target_name": "t"}}}},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.got)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		want, err := json.Marshal(tt.want)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !sameJSON(string(got), string(want)) {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, want)
		}
	}
}

package kernel

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/live"
	"github.com/conclab/conclab/internal/wire"
)

// clampCursor keeps a request's cursor_pos inside code: the protocol counts
// it in unicode code points, from 0 to the length of code, and a frontend
// may send one outside that.
func clampCursor(code string, pos int) int {
	return min(max(pos, 0), utf8.RuneCountInString(code))
}

type completeRequest struct {
	Code      string `json:"code"`
	CursorPos int    `json:"cursor_pos"`
}

func (k *Kernel) handleComplete(ctx context.Context, req *wire.Message, ch sender) error {
	var r completeRequest
	if err := req.DecodeContent(&r); err != nil {
		return k.reply(ch, req, "complete_reply", newErrorReply("BadRequest", err.Error(), nil))
	}
	r.CursorPos = clampCursor(r.Code, r.CursorPos)
	res, err := k.complete.Complete(ctx, k.engine.Session().Source(), r.Code, r.CursorPos)
	if err != nil {
		k.log.Debug("complete", "err", err)
	}
	matches := res.Matches
	start, end := res.Start, res.End
	if names, ms, me, ok := k.magics.Complete(r.Code, r.CursorPos); ok {
		matches, start, end, res.Types = names, ms, me, nil
	}
	if _, _, ok, _ := live.Strip(r.Code); ok {
		// Live variables come first: they are what the reader made.
		if names, ls, le := k.live.Complete(ctx, r.Code, r.CursorPos); len(names) > 0 {
			if len(matches) == 0 {
				start, end = ls, le
			}
			if ls == start && le == end {
				matches = mergeUnique(names, matches)
			}
		}
	}
	if matches == nil {
		matches = []string{}
	}
	if len(matches) == 0 {
		start, end = r.CursorPos, r.CursorPos
	}
	var meta CompleteMetadata
	for _, m := range res.Types {
		meta.Types = append(meta.Types, CompletionType{
			Text: m.Text, Type: m.Type, Signature: m.Signature, Start: start, End: end,
		})
	}
	return k.reply(ch, req, "complete_reply", CompleteReply{
		Status: statusOK, Matches: matches, CursorStart: start, CursorEnd: end, Metadata: meta,
	})
}

type inspectRequest struct {
	Code        string `json:"code"`
	CursorPos   int    `json:"cursor_pos"`
	DetailLevel int    `json:"detail_level"`
}

func (k *Kernel) handleInspect(ctx context.Context, req *wire.Message, ch sender) error {
	var r inspectRequest
	if err := req.DecodeContent(&r); err != nil {
		return k.reply(ch, req, "inspect_reply", newErrorReply("BadRequest", err.Error(), nil))
	}
	r.CursorPos = clampCursor(r.Code, r.CursorPos)
	doc, found, err := k.complete.Inspect(ctx, k.engine.Session().Source(), r.Code, r.CursorPos, r.DetailLevel)
	if err != nil {
		k.log.Debug("inspect", "err", err)
	}
	data := map[string]any{}
	if found {
		data["text/plain"] = doc.Text
		if doc.Markdown != "" {
			data["text/markdown"] = doc.Markdown
		}
	}
	return k.reply(ch, req, "inspect_reply", InspectReply{
		Status: statusOK, Found: found, Data: data, Metadata: map[string]any{},
	})
}

func (k *Kernel) handleIsComplete(_ context.Context, req *wire.Message, ch sender) error {
	var r struct {
		Code string `json:"code"`
	}
	if err := req.DecodeContent(&r); err != nil {
		return k.reply(ch, req, "is_complete_reply", IsCompleteReply{Status: "unknown"})
	}
	status, indent := cell.IsComplete(r.Code)
	content := IsCompleteReply{Status: status}
	if status == "incomplete" {
		content.Indent = &indent
	}
	return k.reply(ch, req, "is_complete_reply", content)
}

// mergeUnique is a followed by the elements of b not in a.
func mergeUnique(a, b []string) []string {
	seen := make(map[string]bool, len(a))
	out := append([]string(nil), a...)
	for _, s := range a {
		seen[s] = true
	}
	for _, s := range b {
		if !seen[s] {
			out = append(out, s)
		}
	}
	return out
}

func splitLines(s string) []string {
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}

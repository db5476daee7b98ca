package display

import (
	"reflect"
	"strings"
	"testing"

	"github.com/janpfeifer/gonb/gonbui/protocol"
)

type mimes = map[protocol.MIMEType]any

func TestParseMessage(t *testing.T) {
	tests := []struct {
		name        string
		msg         protocol.DisplayData
		wantDisplay *Data
		wantInputs  []protocol.InputRequest
		wantReplies []protocol.CommValue
		wantNotes   int
		wantErr     string
	}{
		{
			name:        "html",
			msg:         protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "<i>x</i>"}},
			wantDisplay: &Data{Data: map[string]any{"text/html": "<i>x</i>"}},
		},
		{
			name:        "png is base64",
			msg:         protocol.DisplayData{Data: mimes{protocol.MIMEImagePNG: []byte("\x89PNG")}},
			wantDisplay: &Data{Data: map[string]any{"image/png": "iVBORw=="}},
		},
		{
			name: "several types and metadata",
			msg: protocol.DisplayData{
				Data:     mimes{protocol.MIMETextPlain: "x", protocol.MIMETextMarkdown: "*x*"},
				Metadata: map[string]any{"width": 10},
			},
			wantDisplay: &Data{
				Data:     map[string]any{"text/plain": "x", "text/markdown": "*x*"},
				Metadata: map[string]any{"width": 10},
			},
		},
		{
			name:        "first update creates the block",
			msg:         protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "1"}, DisplayID: "bar"},
			wantDisplay: &Data{Data: map[string]any{"text/html": "1"}, DisplayID: "bar"},
		},
		{
			name:       "input request value",
			msg:        protocol.DisplayData{Data: mimes{protocol.MIMEJupyterInput: protocol.InputRequest{Prompt: "name?"}}},
			wantInputs: []protocol.InputRequest{{Prompt: "name?"}},
		},
		{
			name:       "input request pointer",
			msg:        protocol.DisplayData{Data: mimes{protocol.MIMEJupyterInput: &protocol.InputRequest{Prompt: "pw", Password: true}}},
			wantInputs: []protocol.InputRequest{{Prompt: "pw", Password: true}},
		},
		{
			name:    "input request of the wrong type",
			msg:     protocol.DisplayData{Data: mimes{protocol.MIMEJupyterInput: "name?"}},
			wantErr: "want an InputRequest",
		},
		{
			name:        "sync is acknowledged with its id",
			msg:         protocol.DisplayData{Data: mimes{protocol.MIMECommValue: &protocol.CommValue{Address: protocol.GonbuiSyncAddress, Value: 7}}},
			wantReplies: []protocol.CommValue{{Address: protocol.GonbuiSyncAckAddress, Value: 7}},
		},
		{
			name:        "widget value request gets an empty answer",
			msg:         protocol.DisplayData{Data: mimes{protocol.MIMECommValue: protocol.CommValue{Address: "/slider", Request: true}}},
			wantReplies: []protocol.CommValue{{Address: "/slider"}},
			wantNotes:   1,
		},
		{
			name:      "widget value update is ignored",
			msg:       protocol.DisplayData{Data: mimes{protocol.MIMECommValue: protocol.CommValue{Address: protocol.GonbuiStartAddress, Value: 1}}},
			wantNotes: 1,
		},
		{
			name:      "subscription is ignored",
			msg:       protocol.DisplayData{Data: mimes{protocol.MIMECommSubscribe: protocol.CommSubscription{Address: "/x"}}},
			wantNotes: 1,
		},
		{
			name:    "comm value of the wrong type",
			msg:     protocol.DisplayData{Data: mimes{protocol.MIMECommValue: 3}},
			wantErr: "want a CommValue",
		},
		{
			name:      "empty message",
			msg:       protocol.DisplayData{},
			wantNotes: 1,
		},
		{
			name:        "bad content is dropped, good content kept",
			msg:         protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "ok", "application/x-c": complex(1, 1)}},
			wantDisplay: &Data{Data: map[string]any{"text/html": "ok"}},
			wantErr:     "application/x-c",
		},
		{
			name: "input with a display",
			msg: protocol.DisplayData{Data: mimes{
				protocol.MIMETextMarkdown: "**age?**",
				protocol.MIMEJupyterInput: protocol.InputRequest{},
			}},
			wantDisplay: &Data{Data: map[string]any{"text/markdown": "**age?**"}},
			wantInputs:  []protocol.InputRequest{{}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := parseMessage(&tt.msg, new(DisplayIDs))
			if !reflect.DeepEqual(req.display, tt.wantDisplay) {
				t.Errorf("display = %#v, want %#v", req.display, tt.wantDisplay)
			}
			if !reflect.DeepEqual(req.inputs, tt.wantInputs) {
				t.Errorf("inputs = %#v, want %#v", req.inputs, tt.wantInputs)
			}
			if !reflect.DeepEqual(req.replies, tt.wantReplies) {
				t.Errorf("replies = %#v, want %#v", req.replies, tt.wantReplies)
			}
			if len(req.notes) != tt.wantNotes {
				t.Errorf("notes = %q, want %d", req.notes, tt.wantNotes)
			}
			switch {
			case tt.wantErr == "" && req.err != nil:
				t.Errorf("err = %v, want none", req.err)
			case tt.wantErr != "" && (req.err == nil || !strings.Contains(req.err.Error(), tt.wantErr)):
				t.Errorf("err = %v, want one containing %q", req.err, tt.wantErr)
			}
		})
	}
}

func TestParseMessageUpdates(t *testing.T) {
	ids := new(DisplayIDs)
	steps := []struct {
		id         string
		wantUpdate bool
	}{
		{"progress", false},
		{"progress", true},
		{"other", false},
		{"progress", true},
		{"", false},
		{"", false},
	}
	for i, s := range steps {
		msg := protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "x"}, DisplayID: s.id}
		req := parseMessage(&msg, ids)
		if req.display == nil || req.display.Update != s.wantUpdate || req.display.DisplayID != s.id {
			t.Fatalf("step %d (%q): display = %#v, want Update %v", i, s.id, req.display, s.wantUpdate)
		}
	}
	ids.Reset()
	req := parseMessage(&protocol.DisplayData{Data: mimes{protocol.MIMETextHTML: "x"}, DisplayID: "progress"}, ids)
	if req.display.Update {
		t.Fatal("after Reset, a known id is still an update")
	}
}

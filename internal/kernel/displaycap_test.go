package kernel

import (
	"strings"
	"testing"

	"github.com/conclab/conclab/internal/display"
)

func htmlDisplay(size int, update bool) display.Data {
	return display.Data{Data: map[string]any{"text/html": strings.Repeat("x", size-len("text/html"))}, DisplayID: "d", Update: update}
}

func TestDisplayBudget(t *testing.T) {
	const limit = 1000
	tests := []struct {
		name    string
		shown   []display.Data
		wantOK  []bool
		notices int
	}{
		{"under the limit", []display.Data{htmlDisplay(400, false), htmlDisplay(600, false)}, []bool{true, true}, 0},
		{"whole or not at all", []display.Data{htmlDisplay(600, false), htmlDisplay(600, false), htmlDisplay(100, false)}, []bool{true, false, false}, 1},
		{"one too large", []display.Data{htmlDisplay(1001, false), htmlDisplay(10, false)}, []bool{false, false}, 1},
		{"updates do not add up", []display.Data{htmlDisplay(600, false), htmlDisplay(600, true), htmlDisplay(600, true), htmlDisplay(400, false)}, []bool{true, true, true, true}, 0},
		{"an update larger than the limit", []display.Data{htmlDisplay(1001, true)}, []bool{false}, 1},
		{"a JSON bundle counts too", []display.Data{{Data: map[string]any{"application/json": map[string]any{"k": strings.Repeat("x", 2000)}}}}, []bool{false}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newDisplayBudget(limit)
			notices := 0
			for i, d := range tt.shown {
				ok, notice := b.take(d)
				if ok != tt.wantOK[i] {
					t.Errorf("display %d: ok = %v, want %v", i, ok, tt.wantOK[i])
				}
				if notice != "" {
					notices++
					if !strings.Contains(notice, "displays cut at 1000 bytes") || !strings.Contains(notice, "CONCLAB_MAX_OUTPUT") {
						t.Errorf("notice %q", notice)
					}
				}
			}
			if notices != tt.notices {
				t.Errorf("%d notices, want %d", notices, tt.notices)
			}
		})
	}
}

package kernel

import (
	"errors"
	"strings"
	"testing"

	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/live"
)

func TestLiveTrace(t *testing.T) {
	tests := []struct {
		cell string
		line string // "" when the cell has no %trace
	}{
		{"%live\n%trace\nfmt.Println(1)", "line 2"},
		{"%live\nx := 1\n  //gonb:%trace\n", "line 3"},
		{"%live\nfmt.Println(\"%trace\")", ""},
		{"%live\n%tracer", ""},
		{"%live\n// %trace in a comment is not a magic", ""},
		{"%live\ns := `\n%trace\n`\nfmt.Println(s)", ""},
		{"%live\n/*\n%trace\n*/\nx := 1", ""},
		{"%live\nx := 1\n%trace -v", "line 3"},
	}
	for _, tt := range tests {
		body, _, ok, _ := live.Strip(tt.cell)
		if !ok {
			t.Fatalf("%q is not a live cell", tt.cell)
		}
		err := liveTrace(body)
		var ce *engine.Error
		switch {
		case tt.line == "" && err != nil:
			t.Errorf("%q: %v, want no error", tt.cell, err)
		case tt.line != "" && (!errors.As(err, &ce) || !strings.HasPrefix(ce.Value, tt.line+": %trace works for compiled cells")):
			t.Errorf("%q: %v, want the compiled-cells message at %s", tt.cell, err, tt.line)
		case tt.line != "" && !strings.Contains(strings.Join(ce.Traceback, "\n"), "Remove %live"):
			t.Errorf("%q: traceback %q does not say what to do", tt.cell, ce.Traceback)
		}
	}
}

package compiled

import (
	"reflect"
	"testing"
)

func TestCompileError(t *testing.T) {
	tests := []struct {
		report    string
		value     string
		traceback []string
	}{
		{"# conclab.cell\nline 2:6: undefined: x\n", "line 2:6: undefined: x", []string{"line 2:6: undefined: x"}},
		{"# conclab.cell\nIn function 'bad':\nline 3:24: error: 'nope' undeclared\n    3 | int bad(void) { return nope; }\n",
			"line 3:24: error: 'nope' undeclared",
			[]string{"In function 'bad':", "line 3:24: error: 'nope' undeclared", "    3 | int bad(void) { return nope; }"}},
		{"# conclab.cell\n\n", "the build failed", []string{"the build failed"}},
	}
	for _, tt := range tests {
		e := compileError(tt.report)
		if e.Name != "CompileError" || e.Value != tt.value || !reflect.DeepEqual(e.Traceback, tt.traceback) {
			t.Errorf("compileError(%q) = %q %q %q, want %q %q", tt.report, e.Name, e.Value, e.Traceback, tt.value, tt.traceback)
		}
	}
}

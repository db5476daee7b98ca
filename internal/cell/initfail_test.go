package cell

import (
	"strings"
	"testing"
)

func TestInitCulprit(t *testing.T) {
	goTool(t)
	boom := "func init() { panic(\"boom\") }"
	tests := []struct {
		name    string
		earlier []string
		cell    string
		want    string // Culprit.String() and "; %rm " + Remove; "" for none
	}{
		{"an init func", []string{boom}, "fmt.Println(1)", "remembered func init from cell [1]; %rm init"},
		{"one of two init funcs", []string{"func init() {}", "x := 1\n_ = x\n" + boom}, "fmt.Println(1)",
			"remembered func init from cell [2]; %rm " + textKey("init", boom)},
		{"a var initializer", []string{"func load() int { panic(\"no file\") }", "var (\n\tn = 1\n\tdata = load()\n)"}, "fmt.Println(1)",
			"remembered var n from cell [2]; %rm n"},
		{"a closure in an init func", []string{"func init() {\n\tfunc() { panic(\"in a closure\") }()\n}"}, "fmt.Println(1)",
			"remembered func init from cell [1]; %rm init"},
		{"the cell's own init func", nil, boom, ""},
		{"main, not init", []string{"func F() { panic(\"later\") }"}, "F()", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSession()
			run(t, s, tt.earlier...)
			p := compose(t, s, tt.cell, len(tt.earlier)+1)
			_, stderr, ok := runProgram(t, p, nil)
			if ok {
				t.Fatalf("the program did not fail\n%s", p.Source)
			}
			report := p.Rewrite(stderr)
			got := ""
			if c, ok := p.InitCulprit(report); ok {
				got = c.String() + "; %rm " + c.Remove
			}
			if got != tt.want {
				t.Errorf("InitCulprit = %q, want %q; report:\n%s", got, tt.want, report)
			}
			if tt.want == "" {
				return
			}
			// %rm with that argument removes it, and only it.
			c, _ := p.InitCulprit(report)
			before := len(s.Decls())
			if _, err := s.Remove(c.Remove); err != nil {
				t.Fatal(err)
			}
			if n := len(s.Decls()); n != before-1 {
				t.Errorf("%%rm %s left %d of %d declarations", c.Remove, n, before)
			}
			p = compose(t, s, tt.cell, len(tt.earlier)+2)
			if stdout, stderr, ok := runProgram(t, p, nil); !ok || strings.TrimSpace(stdout) != "1" {
				t.Errorf("after %%rm %s: %q %v\n%s", c.Remove, stdout, ok, stderr)
			}
		})
	}
}

func TestRemoveByWrittenName(t *testing.T) {
	cells := []string{"func init() {}", "func init() { println() }\nvar _ = 1", "func F() {}"}
	tests := []struct {
		key  string
		left []string
	}{
		{"init", []string{textKey("_", "var _ = 1"), "F"}},
		{"_", []string{textKey("init", "func init() {}"), textKey("init", "func init() { println() }"), "F"}},
		{textKey("init", "func init() {}"), []string{textKey("init", "func init() { println() }"), textKey("_", "var _ = 1"), "F"}},
	}
	for _, tt := range tests {
		s := newTestSession()
		run(t, s, cells...)
		if _, err := s.Remove(tt.key); err != nil {
			t.Fatalf("%%rm %s: %v", tt.key, err)
		}
		if got := keysOf(s.Decls()); strings.Join(got, " ") != strings.Join(tt.left, " ") {
			t.Errorf("after %%rm %s: %q, want %q", tt.key, got, tt.left)
		}
	}
}

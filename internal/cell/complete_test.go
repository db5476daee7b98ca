package cell

import "testing"

func TestIsComplete(t *testing.T) {
	tests := []struct {
		name, src      string
		status, indent string
	}{
		{"empty", "", "complete", ""},
		{"blank", "  \n\t\n", "complete", ""},
		{"statement", "fmt.Println(1)", "complete", ""},
		{"declarations", "func F() {}\ntype T int", "complete", ""},
		{"open brace", "for i := range 3 {", "incomplete", "\t"},
		{"two open brackets", "func F() {\n\tx := []int{", "incomplete", "\t\t"},
		{"open paren", "fmt.Println(1,", "incomplete", "\t"},
		{"trailing operator", "x := 1 +", "incomplete", "\t"},
		{"trailing logical operator and comment", "ok := a && // more below", "incomplete", "\t"},
		{"trailing assignment", "x :=", "incomplete", "\t"},
		{"trailing comma at top level", "a, b", "complete", ""},
		{"trailing dot", "fmt.", "incomplete", "\t"},
		{"trailing else", "if x {\n} else", "incomplete", "\t"},
		{"open raw string", "s := `line one\n", "incomplete", ""},
		{"open block comment", "/* note\n", "incomplete", ""},
		{"closed raw string with magic-like line", "s := `\n%x\n`", "complete", ""},
		{"extra closer", "x := 1 }", "invalid", ""},
		{"mismatched closer", "f(1]", "invalid", ""},
		{"unterminated string", "s := \"abc", "invalid", ""},
		{"illegal character", "x := 1 # 2", "invalid", ""},
		{"magics and shell lines", "%goflags -race\n!ls\nfmt.Println(1)", "complete", ""},
		{"magic after open brace is not a magic", "if x {\n%foo", "incomplete", "\t"},
		{"cell magic body is not Go", "%%bash\nif [ -x x ]; then {", "complete", ""},
		{"main marker", "%%\nvar x = 1", "complete", ""},
		{"CRLF", "if x {\r\n", "incomplete", "\t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, indent := IsComplete(tt.src)
			if status != tt.status || indent != tt.indent {
				t.Errorf("IsComplete(%q) = %q, %q; want %q, %q", tt.src, status, indent, tt.status, tt.indent)
			}
		})
	}
}

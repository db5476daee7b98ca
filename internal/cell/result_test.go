package cell

import (
	"strings"
	"testing"
)

func TestResultWrapsOnlyValueExpressions(t *testing.T) {
	tests := []struct {
		cell string
		want string // the wrapped expression, "" for no result
	}{
		{"6 * 7", "6 * 7"},
		{`"go" + "pher"`, `"go" + "pher"`},
		{"x := []int{1, 2, 3}\nlen(x)", "len(x)"},
		{"x := 3\nx", "x"},
		{"// a comment\nfunc sq(x int) int { return x * x }\n\ntotal := 0\nfor i := range 5 {\n\ttotal += sq(i)\n}\ntotal", "total"},
		{"type T struct{ A int }\n\nvar v = T{1}\n\nv.A", "v.A"},
		{"x := 3\n(x)", "(x)"},
		{"-5", "-5"},
		{"m := map[string]int{}\nm[\"a\"]", `m["a"]`},
		{`fmt.Println("hi")`, ""},                      // a call runs
		{"ch := make(chan int, 1)\nch <- 1\n<-ch", ""}, // a receive runs
		{"x := 1\n_ = x", ""},                          // an assignment
		{"func f() int { return 1 }", ""},              // only a declaration
		{"for i := range 3 {\n\t_ = i\n}", ""},
		{"func main() {\n\tprintln(1)\n}", ""}, // the cell's own main
	}
	for _, tt := range tests {
		c, err := Parse(tt.cell)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.cell, err)
		}
		p, err := NewSession().Compose(c, 1)
		if err != nil {
			t.Fatalf("Compose(%q): %v", tt.cell, err)
		}
		src := string(p.Source)
		if tt.want == "" {
			if p.HasResult || strings.Contains(src, "conclabShowResult(") {
				t.Errorf("%q: shows a result, want none:\n%s", tt.cell, src)
			}
			continue
		}
		if !p.HasResult {
			t.Errorf("%q: no result, want %q", tt.cell, tt.want)
			continue
		}
		if !strings.Contains(src, "*/"+tt.want+")") {
			t.Errorf("%q: result call does not wrap %q:\n%s", tt.cell, tt.want, src)
		}
	}
}

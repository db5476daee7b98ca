package kernel

import "testing"

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"6 *", "6 * 7", true},
		{"*", "", true},
		{"*Println*", "// say it\nfmt.Println(1)", true},
		{"fmt.?rint*", "fmt.Sprintf", false},
		{"fmt.?print*", "fmt.Sprintf", true},
		{"[ab]x", "bx", true},
		{"[!ab]x", "bx", false},
		{"a.b", "axb", false},
		{"[unclosed", "[unclosed", true},
	}
	for _, tt := range tests {
		if got := globMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

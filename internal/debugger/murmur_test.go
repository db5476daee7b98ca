package debugger

import "testing"

// The vectors were computed with ipykernel's murmur2_x86 and JupyterLab's
// hash.ts, which agree.
func TestMurmur2(t *testing.T) {
	tests := []struct {
		code       string
		seeded, s0 uint32
	}{
		{"", 3990065800, 0},
		{"a", 2167009006, 2456313694},
		{"print(1)", 3773950048, 3626970123},
		{"def f(a, b):\n    c = a + b\n    return c\n\nf(2, 3)", 1440027060, 3360783500},
		{"x := 1\nfmt.Println(x)", 1443478927, 4012734467},
		{"héllo ✓", 1691783381, 2256135493},
	}
	for _, tt := range tests {
		if got := murmur2([]byte(tt.code), HashSeed); got != tt.seeded {
			t.Errorf("murmur2(%q, HashSeed) = %d, want %d", tt.code, got, tt.seeded)
		}
		if got := murmur2([]byte(tt.code), 0); got != tt.s0 {
			t.Errorf("murmur2(%q, 0) = %d, want %d", tt.code, got, tt.s0)
		}
	}
}

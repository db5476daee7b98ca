package kernel

import "testing"

func TestClampCursor(t *testing.T) {
	tests := []struct {
		code      string
		pos, want int
	}{
		{"fmt.Pr", 6, 6},
		{"fmt.Pr", 3, 3},
		{"fmt.Pr", -5, 0},
		{"fmt.Pr", 1000, 6},
		{"", 1, 0},
		{"é := 1\né", 99, 8}, // code points, not bytes (10)
	}
	for _, tt := range tests {
		if got := clampCursor(tt.code, tt.pos); got != tt.want {
			t.Errorf("clampCursor(%q, %d) = %d, want %d", tt.code, tt.pos, got, tt.want)
		}
	}
}

package worker

import (
	"strings"
	"testing"
)

func TestPanicLines(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1:43: panic: main.f(...)\n", "\tat line 1, in f\n"},
		{"2:1: panic: main(...)\n", "\tat line 2, in the cell\n"},
		{"3:2: panic: main.func(...)\n", "\tat line 3, in a func literal\n"},
		{"not a frame: panic: x\n", "not a frame: panic: x\n"},
		{"plain text\n", "plain text\n"},
	}
	for _, tt := range tests {
		var b strings.Builder
		n, err := (&panicLines{w: &b}).Write([]byte(tt.in))
		if err != nil || n != len(tt.in) {
			t.Errorf("Write(%q) = %d, %v", tt.in, n, err)
		}
		if b.String() != tt.want {
			t.Errorf("Write(%q) wrote %q, want %q", tt.in, b.String(), tt.want)
		}
	}
}

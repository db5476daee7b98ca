package kernel

import "testing"

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		bad  bool
	}{
		{"1048576", 1 << 20, false},
		{"5MB", 5 << 20, false},
		{"5 mb", 5 << 20, false},
		{"512KiB", 512 << 10, false},
		{"2G", 2 << 30, false},
		{"1.5GiB", 3 << 29, false},
		{"0", 0, true},
		{"-3MB", 0, true},
		{"lots", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d (error %v)", tt.in, got, err, tt.want, tt.bad)
		}
	}
}

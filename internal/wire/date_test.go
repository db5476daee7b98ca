package wire

import "testing"

// The cases were checked against jupyter_client 8.10's extract_dates: the
// ones marked unreadable make it raise ValueError.
func TestUnreadableDate(t *testing.T) {
	tests := []struct {
		s          string
		unreadable bool
	}{
		{"2026-11-23T13:12:44.724490Z", false},
		{"2026-11-23T13:12:44.724Z", false},
		{"2026-11-23T13:12:44+01:00", false},
		{"2026-11-23T13:12:44+0100", false},
		{"2026-11-23T13:12:44", false},
		{"2024-02-29T00:00:00Z", false},
		{"2026-01-01T24:00:00Z", false},
		{"2026-01-01T00:00:00-23:59", false},
		{"2026-01-01T00:00:00.1234567Z", false}, // not date-shaped: stays a string
		{"d2c9c4b0-7e1f-4bd7-9d51-2a4c0f6b1f9e", false},
		{"execute_request", false},
		{"", false},
		{"9999-99-99T99:99:99Z", true},
		{"2026-02-30T00:00:00Z", true},
		{"2023-02-29T00:00:00Z", true},
		{"2026-13-01T00:00:00Z", true},
		{"2026-01-01T00:00:60Z", true},
		{"2026-01-01T24:30:00Z", true},
		{"2026-01-01T00:00:00+25:00", true},
		{"2026-01-01T00:00:00+24:00", true},
		{"2026-01-01T00:00:00+00:60", true},
		{"0000-01-01T00:00:00Z", true},
		{"２０２６-01-01T00:00:00Z", true},
		{"٢٠٢٦-01-01T00:00:00", true},
		{"2026-01-01T00:00:00Z\n", true},
	}
	for _, tt := range tests {
		if got := unreadableDate(tt.s); got != tt.unreadable {
			t.Errorf("unreadableDate(%q) = %v, want %v", tt.s, got, tt.unreadable)
		}
	}
}

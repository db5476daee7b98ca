package plots

import (
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0 s"},
		{420, "420 ns"},
		{1500, "1.5 µs"},
		{12345 * time.Microsecond, "12.3 ms"},
		{850 * time.Microsecond, "850 µs"},
		{1250 * time.Millisecond, "1.25 s"},
		{-3 * time.Millisecond, "-3 ms"},
		{90 * time.Second, "90 s"},
		{1234 * time.Second, "1230 s"},
	}
	for _, tt := range tests {
		if got := formatDuration(tt.in); got != tt.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatSig(t *testing.T) {
	tests := []struct {
		v    float64
		n    int
		want string
	}{
		{3.714, 3, "3.71"},
		{1, 3, "1"},
		{0.5, 3, "0.5"},
		{12345, 3, "12300"},
		{0.0012345, 2, "0.0012"},
		{999.7, 3, "1000"},
	}
	for _, tt := range tests {
		if got := formatSig(tt.v, tt.n); got != tt.want {
			t.Errorf("formatSig(%v, %d) = %q, want %q", tt.v, tt.n, got, tt.want)
		}
	}
}

func TestAxisUnit(t *testing.T) {
	tests := []struct {
		span time.Duration
		want string
	}{
		{500 * time.Nanosecond, "ns"},
		{40 * time.Microsecond, "µs"},
		{1500 * time.Microsecond, "ms"},
		{9 * time.Second, "ms"},
		{30 * time.Second, "s"},
	}
	for _, tt := range tests {
		if got := unitName(axisUnit(tt.span)); got != tt.want {
			t.Errorf("axisUnit(%v) = %s, want %s", tt.span, got, tt.want)
		}
	}
}

func TestStepTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		labels []string
	}{
		{0, 10.8, []string{"0", "2", "4", "6", "8", "10"}},
		{0, 33, []string{"0", "5", "10", "15", "20", "25", "30"}},
		{0, 0.9, []string{"0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9"}},
		{0, 16.04, []string{"0", "2", "4", "6", "8", "10", "12", "14", "16"}},
		{1, 1.05, []string{"1.00", "1.01", "1.02", "1.03", "1.04", "1.05"}},
		{3, 3, []string{"3"}},
	}
	for _, tt := range tests {
		var labels []string
		for _, tk := range (stepTicks{}).Ticks(tt.lo, tt.hi) {
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		if len(labels) != len(tt.labels) {
			t.Errorf("Ticks(%v, %v) labels %q, want %q", tt.lo, tt.hi, labels, tt.labels)
			continue
		}
		for i := range labels {
			if labels[i] != tt.labels[i] {
				t.Errorf("Ticks(%v, %v) labels %q, want %q", tt.lo, tt.hi, labels, tt.labels)
				break
			}
		}
	}
}

// durationOf converts nanoseconds for table entries.
func durationOf(ns int64) time.Duration { return time.Duration(ns) }

package plots

import (
	"strings"
	"testing"
	"time"
)

// spread makes n durations from lo upward in equal steps.
func spread(n int, lo, step time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = lo + time.Duration(i)*step
	}
	return out
}

func TestDistributionPicture(t *testing.T) {
	goroutines := Sample{"goroutine start", spread(200, time.Microsecond, 10*time.Nanosecond)}
	processes := Sample{"process start", spread(30, time.Millisecond, 10*time.Microsecond)}
	tests := []struct {
		name    string
		samples []Sample
		axis    string
		texts   []string
		dots    map[string]int // faint dots per sample color
	}{
		{
			name:    "log axis across decades",
			samples: []Sample{goroutines, processes},
			axis:    "duration (log scale)",
			texts:   []string{"goroutine start (n=200)", "process start (n=30)", "1 µs", "1 ms"},
			dots:    map[string]int{hexOf("cpu"): 200, hexOf("start"): 30},
		},
		{
			name:    "linear axis for one scale",
			samples: []Sample{{"a", spread(20, 2*time.Millisecond, 100*time.Microsecond)}},
			axis:    "duration (ms)",
			texts:   []string{"a (n=20)"},
			dots:    map[string]int{hexOf("cpu"): 20},
		},
		{
			name:    "zero durations force a linear axis",
			samples: []Sample{{"z", []time.Duration{0, time.Microsecond, time.Millisecond}}},
			axis:    "duration (ms)",
			texts:   []string{"z (n=3)"},
		},
		{
			name:    "empty sample keeps its row",
			samples: []Sample{{"none", nil}, {"", spread(5, ms, ms)}},
			axis:    "duration (ms)",
			texts:   []string{"none (n=0)", "sample 2 (n=5)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pic := svgOf(t, Distribution("start cost", tt.samples...))
			for _, want := range append([]string{tt.axis, "start cost"}, tt.texts...) {
				if pic.countText(want) != 1 {
					t.Errorf("text %q drawn %d times, want once; texts %q", want, pic.countText(want), pic.texts)
				}
			}
			for hex, want := range tt.dots {
				if n := len(pic.faintFillsNear(hex)); n != want {
					t.Errorf("%d faint dots of %s, want %d", n, hex, want)
				}
			}
		})
	}
}

func TestDistributionSummary(t *testing.T) {
	c := Distribution("start", Sample{"g", spread(5, time.Microsecond, time.Microsecond)},
		Sample{"p", spread(3, time.Millisecond, time.Millisecond)}, Sample{"empty", nil})
	s := c.String()
	for _, want := range []string{
		"Distribution: start",
		"g median 3 µs · p median 2 ms (667× g)",
		"sample  n  min   p25     median  p75     p90     max   mean",
		"g       5  1 µs  2 µs    3 µs    4 µs    4.6 µs  5 µs  3 µs",
		"empty   0  -     -       -",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

func TestQuantile(t *testing.T) {
	sorted := []time.Duration{10, 20, 30, 40}
	tests := []struct {
		q    float64
		want time.Duration
	}{{0, 10}, {1, 40}, {0.5, 25}, {0.25, 17}, {2, 40}}
	for _, tt := range tests {
		if got := quantile(sorted, tt.q); got != tt.want {
			t.Errorf("quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if quantile(nil, 0.5) != 0 {
		t.Error("quantile of nothing should be 0")
	}
}

func TestDurationLogTicks(t *testing.T) {
	var labels []string
	for _, tk := range (durationLogTicks{}).Ticks(0.8e-6, 2e-3) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if got := strings.Join(labels, ","); got != "1 µs,10 µs,100 µs,1 ms" {
		t.Errorf("labels %s", got)
	}
	labels = nil
	for _, tk := range (durationLogTicks{}).Ticks(1e-6, 50e-6) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if got := strings.Join(labels, ","); got != "1 µs,2 µs,5 µs,10 µs,20 µs,50 µs" {
		t.Errorf("labels on a short axis %s", got)
	}
	if (durationLogTicks{}).Ticks(0, 1) != nil {
		t.Error("a log axis from 0 has no ticks")
	}
}

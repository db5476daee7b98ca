package demos

import (
	"math"
	"testing"
	"time"
)

func TestPeakSampled(t *testing.T) {
	ms := time.Millisecond
	// busy is one thread's samples: on a CPU at rate from start to end.
	busy := func(start, end time.Duration, rate float64) Thread {
		return Thread{Samples: []Sample{{Start: start, End: end, Running: time.Duration(rate * float64(end-start))}}}
	}
	tests := []struct {
		name    string
		threads []Thread
		peak    float64
		at      time.Duration
	}{
		{
			// Three threads whose first samples overlap for a
			// millisecond: a single sample is too coarse to say they
			// ran at once, so the peak is over a whole window.
			name:    "a start that crowds one sample",
			threads: []Thread{busy(0, ms, 1), busy(0, ms, 1), busy(0, 60*ms, 1)},
			peak:    (2*1 + 20) / 20.0,
			at:      0,
		},
		{
			name:    "two threads at once in the middle",
			threads: []Thread{busy(0, 100*ms, 1), busy(40*ms, 60*ms, 1)},
			peak:    2,
			at:      40 * ms,
		},
		{
			name:    "a run shorter than the window",
			threads: []Thread{busy(0, 10*ms, 1), busy(0, 5*ms, 1)},
			peak:    1.5,
			at:      0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			peak, at := peakSampled([]Task{{Threads: tt.threads}}, peakWindow)
			if math.Abs(peak-tt.peak) > 0.03 || at != tt.at {
				t.Errorf("peak %.3f at %v, want %.3f at %v", peak, at, tt.peak, tt.at)
			}
		})
	}
}

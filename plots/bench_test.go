package plots

import (
	"testing"
	"time"
)

// BenchmarkTimelinePNG10k renders a 10,000-task, 64-lane timeline to PNG,
// the largest case the package is built for.
func BenchmarkTimelinePNG10k(b *testing.B) {
	rec := poolRecording(64, 157, 200*time.Microsecond, "io", "cpu", "cpu")
	for b.Loop() {
		if _, err := Timeline(rec).PNG(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTimelinePNG10kMerged is the same number of tasks packed so that
// most are narrower than a pixel and get merged.
func BenchmarkTimelinePNG10kMerged(b *testing.B) {
	rec := poolRecording(8, 1250, 16*time.Microsecond, "io", "cpu", "cpu")
	for b.Loop() {
		if _, err := Timeline(rec).PNG(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTimelineSVG10k renders the 64-lane case to SVG.
func BenchmarkTimelineSVG10k(b *testing.B) {
	rec := poolRecording(64, 157, 200*time.Microsecond, "io", "cpu", "cpu")
	for b.Loop() {
		if _, err := Timeline(rec).SVG(); err != nil {
			b.Fatal(err)
		}
	}
}

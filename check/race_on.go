//go:build race

package check

import "runtime"

// RaceEnabled reports whether the program was built with the race detector.
const RaceEnabled = true

// raceReports is how many data races the race detector has reported so far.
func raceReports() int { return runtime.RaceErrors() }

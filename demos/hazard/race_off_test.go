//go:build !race

package hazard

// raceEnabled is true when the tests run under the race detector.
const raceEnabled = false

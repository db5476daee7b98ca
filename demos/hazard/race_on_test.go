//go:build race

package hazard

// raceEnabled is true when the tests run under the race detector, which
// would rightly fail a test that runs a true data race.
const raceEnabled = true

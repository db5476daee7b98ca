//go:build !linux

package demos

import (
	"errors"
	"time"
)

// samplingSupported: only Linux gives per-thread scheduler counters.
func samplingSupported() error {
	return errors.New("per-thread scheduler counters are read from /proc, which only Linux has")
}

// A procWatch does nothing off Linux.
type procWatch struct{}

func newProcWatch(*procSeries) *procWatch  { return &procWatch{} }
func (*procWatch) read(time.Duration) bool { return false }
func (*procWatch) close()                  {}

// waitExited returns at once: there is nothing to read before reaping.
func waitExited(int) {}

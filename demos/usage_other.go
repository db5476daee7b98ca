//go:build !linux

package demos

import (
	"os"
	"time"
)

// processCPU is unknown off Linux: recordings there report no CPU time.
func processCPU() time.Duration { return 0 }

// selfMaxRSS is unknown off Linux.
func selfMaxRSS() int64 { return 0 }

// exitedMaxRSS is unknown off Linux.
func exitedMaxRSS(*os.ProcessState) int64 { return 0 }

//go:build !linux

package kernel

import "os"

// parentDeathSignal: only Linux signals a parent's death; the poll alone
// watches there.
func parentDeathSignal() <-chan os.Signal { return nil }

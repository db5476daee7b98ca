//go:build !linux

package ipc

import (
	"errors"
	"os"
)

// mapFile is not supported off Linux.
func (s *Shared) mapFile(*os.File, int64) error {
	return errors.New("shared memory needs Linux")
}

// unmap has nothing to release off Linux.
func unmap([]byte) error { return nil }

// processAlive cannot tell off Linux, so it assumes the holder lives.
func processAlive(int) bool { return true }

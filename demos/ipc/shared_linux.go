//go:build linux

package ipc

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

// mapFile maps size bytes of f, shared with every process that maps it.
func (s *Shared) mapFile(f *os.File, size int64) error {
	mem, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("mmap: %w", err)
	}
	s.mem = mem
	// The mapping is page-aligned, so its words are aligned for atomics.
	s.words = unsafe.Slice((*int64)(unsafe.Pointer(&mem[0])), len(mem)/8)
	return nil
}

// unmap releases a mapping.
func unmap(mem []byte) error { return syscall.Munmap(mem) }

// processAlive reports whether pid exists.
func processAlive(pid int) bool {
	return !errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

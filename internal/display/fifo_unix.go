//go:build unix

package display

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// makeFIFO creates a new FIFO with mode 0600 and a unique name in dir. Names
// are random so that several channels can share a directory.
func makeFIFO(dir, suffix string) (string, error) {
	for range 10 {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return "", fmt.Errorf("fifo name: %w", err)
		}
		path := filepath.Join(dir, "gonb-"+hex.EncodeToString(b[:])+suffix)
		err := syscall.Mkfifo(path, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("mkfifo %s: %w", path, err)
		}
		// The umask may have removed bits we need; it cannot have added any.
		if err := os.Chmod(path, 0o600); err != nil {
			os.Remove(path)
			return "", fmt.Errorf("chmod %s: %w", path, err)
		}
		return path, nil
	}
	return "", fmt.Errorf("mkfifo in %s: no free name", dir)
}

// writeNow makes one write(2) on a non-blocking descriptor.
func writeNow(fd uintptr, p []byte) (int, error) {
	for {
		n, err := syscall.Write(int(fd), p)
		if err != syscall.EINTR {
			return n, err
		}
	}
}

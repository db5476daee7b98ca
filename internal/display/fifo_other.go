//go:build !unix

package display

import (
	"errors"
	"fmt"
)

func makeFIFO(dir, suffix string) (string, error) {
	return "", fmt.Errorf("mkfifo in %s: %w", dir, errors.ErrUnsupported)
}

func writeNow(fd uintptr, p []byte) (int, error) {
	return 0, errors.ErrUnsupported
}

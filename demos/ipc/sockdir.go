package ipc

import (
	"fmt"
	"os"
	"path/filepath"
)

// maxSocketPath is the longest path a Unix socket address may have on
// Linux (sun_path is 108 bytes, one of them the terminating zero).
const maxSocketPath = 107

// newSocketPath makes a private directory for one socket and returns the
// socket's path in it and the directory, which the owner removes. The
// directory is readable by the user only, so other users cannot connect.
func newSocketPath(name string) (path, dir string, err error) {
	for _, base := range []string{os.TempDir(), "/tmp"} {
		dir, err = os.MkdirTemp(base, "conclab-ipc-")
		if err != nil {
			continue
		}
		path = filepath.Join(dir, name)
		if len(path) <= maxSocketPath {
			return path, dir, nil
		}
		os.RemoveAll(dir)
		err = fmt.Errorf("socket path %q is too long", path)
	}
	return "", "", fmt.Errorf("make a socket directory: %w", err)
}

package stdinwatch

import "errors"

// ErrUnavailable means the process table cannot be inspected here: no /proc
// (not Linux, or not mounted), no /proc/PID/task/TID/syscall in this kernel,
// or no permission to read it (ptrace restrictions). It does not go away, so
// an engine reports it once and runs without stdin detection.
var ErrUnavailable = errors.New("stdin detection unavailable")

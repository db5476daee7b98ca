package engine

import (
	"errors"

	"github.com/conclab/conclab/internal/memlimit"
)

// An Error is a failure of the user's cell (it did not compile, it panicked,
// it was interrupted, a magic was misused), as opposed to a failure of the
// kernel. It becomes an error reply and an error message on iopub.
type Error struct {
	Name      string   // ename: "CompileError", "panic", "deadlock", "Interrupted", ...
	Value     string   // evalue: one line
	Traceback []string // shown to the user, one entry a line
}

func (e *Error) Error() string { return e.Name + ": " + e.Value }

// ErrNoStdin is what Output.Input returns when the frontend does not allow
// input (allow_stdin false).
var ErrNoStdin = errors.New("the frontend does not allow stdin")

// MemoryError is the error of a cell whose processes went over the memory
// limit: MemoryLimit, in every engine and for shell lines.
func MemoryError(b *memlimit.Breach) *Error {
	return &Error{Name: "MemoryLimit", Value: b.Error()}
}

package engine

import (
	"context"

	"github.com/conclab/conclab/internal/cell"
)

// A Cell is one notebook cell handed to an engine, after the kernel has run
// its magics and shell lines.
type Cell struct {
	// ID is the cell's execution count.
	ID int
	// Code is the cell's source. Lines the kernel consumed (the line that
	// chose the engine, say) are blanked, not removed, so that line N of
	// Code is line N of the notebook cell.
	Code string
	// Parsed is Code parsed by package cell, when the kernel parsed it to
	// find its magics; an engine that needs it parses Code when it is nil.
	Parsed *cell.Cell
	// Settings are the choices the session's and the cell's magics made.
	Settings Settings
}

// An Engine runs cells. Execute calls do not overlap (the kernel runs cells
// one at a time); Interrupt and Close may be called at any time.
type Engine interface {
	// Execute runs c, sending what it produces to out. A failure of the
	// user's cell is returned as *Error; other errors are the kernel's own.
	Execute(ctx context.Context, c Cell, out Output) error
	// Interrupt stops the running cell, if any, and reports whether one
	// was running.
	Interrupt() bool
	// Close stops the running cell, if any, and ends whatever the engine
	// keeps running between cells; the engine runs no more cells.
	Close() error
}

package engine

import (
	"context"

	"github.com/conclab/conclab/internal/display"
)

// Output receives what a running cell produces. The kernel implements it by
// publishing on iopub and asking the frontend for input.
type Output interface {
	// Stream sends text on "stdout" or "stderr".
	Stream(name, text string)
	// Display shows rich output (display_data or update_display_data).
	Display(d display.Data)
	// Input asks the user for one line; it fails with ErrNoStdin when the
	// frontend does not allow stdin, and with ctx's error when the request
	// is cancelled.
	Input(ctx context.Context, prompt string, password bool) (string, error)
	// Result shows the value of the cell's last expression (execute_result).
	Result(data map[string]any)
}

// DebugEvents is an Output that also publishes the debugger's events
// (debug_event on iopub) for the cell it belongs to.
type DebugEvents interface {
	DebugEvent(content []byte)
}

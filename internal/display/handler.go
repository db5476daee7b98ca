package display

// Handler receives what a cell program asks the frontend to show. Serve calls
// its methods one at a time, on Serve's goroutine, in the order the program
// sent the messages; a gonbui.Sync that follows a display is answered only
// after Display has returned, so Display should publish synchronously.
type Handler interface {
	// Display shows d: display_data, or update_display_data when d.Update.
	Display(d Data)
	// Input asks the frontend for a line (gonbui.RequestInput); the engine
	// writes the answer plus "\n" to the program's stdin. It may block until
	// then, but must return when the engine's run ends.
	Input(prompt string, password bool)
}

// A MalformedHandler is a Handler that learns at once when the program
// sends a message that cannot be read: no display of the stream after it
// can be shown (gob cannot find the next message), and a long-lived stream,
// such as the live engine's, may go on for a long time after it.
type MalformedHandler interface {
	Handler
	Malformed(err error)
}

// Data is one display from the program, ready to become the content of a
// display_data or update_display_data message.
type Data struct {
	// Data maps a MIME type to its content. Text types are strings; binary
	// content (PNG from gonbui.DisplayPNG) is base64 text, as Jupyter wants.
	// MIME types this package does not know pass through unchanged.
	Data map[string]any
	// Metadata is the program's metadata for the display, if any.
	Metadata map[string]any
	// DisplayID is the transient display_id, empty for a plain display.
	DisplayID string
	// Update is true when DisplayID already has an output block, so the
	// message must be update_display_data (gonbui.UpdateHTML after its first
	// call for that id).
	Update bool
}

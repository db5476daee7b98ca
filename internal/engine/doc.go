// Package engine is the seam between the kernel and the engines that run
// cells (compiled, live; a debugging run too): what a cell run writes to
// (Output), what it is given (Cell, Settings), how it fails (Error,
// ErrNoStdin), the interface every engine implements (Engine), and the
// input pump that turns a program's reads of stdin into input requests.
//
// The package knows nothing of Jupyter messages or of any one engine:
// the kernel implements Output, the engines implement Engine.
package engine

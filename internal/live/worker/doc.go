// Package worker is the interpreter side of the live engine: the conclab-live
// program, which runs the cells of one %live session in a Go interpreter
// (github.com/traefik/yaegi) with the standard library and the project's
// packages loaded.
//
// It is a program of its own, not part of the kernel's binary, because the
// interpreter's symbol tables are most of the code: the kernel starts faster
// and stays smaller without them, and only sessions that use %live pay for
// them. The kernel's live.Engine starts the worker and talks to it over the
// protocol in internal/live/internal/liveproto.
package worker

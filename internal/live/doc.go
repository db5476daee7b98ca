// Package live is conclab's live engine: cells that start with %live run in
// the session's Go interpreter (github.com/traefik/yaegi), where variables,
// functions, types, channels and running goroutines stay alive from one live
// cell to the next.
//
// The interpreter runs in a worker process, the conclab-live program
// (package worker, installed next to conclab), so the kernel's own binary
// carries neither the interpreter nor its symbol tables; it knows which
// packages the worker has from a list generated from those tables
// (liveproto). A panic in any goroutine, a fatal error or os.Exit ends only
// the worker: the Engine reports it, and the next live cell gets a fresh
// worker.
//
// The Engine and its worker talk over two pipes (file descriptors 3 and 4 of
// the worker) with one JSON object a line (internal/liveproto). The worker's stdout and stderr
// are pipes the Engine reads all the time: what goroutines print between
// cells goes to the most recently executed cell. At the end of each cell the
// worker writes a marker on both streams, so the Engine knows it has seen
// everything the cell printed before it replies.
//
// A cell is checked before it reaches the interpreter (see prepare): syntax
// errors, and constructs yaegi cannot run (the Go 1.21 builtins, packages
// the worker does not have) come back as clear errors that suggest the
// compiled engine. Ranges over integers and functions are rewritten into
// loops and calls the interpreter runs (see rangeEdits).
package live

// Package complete answers Jupyter's complete_request (Tab) and
// inspect_request (Shift-Tab) for Go cells.
//
// A cell may mix top-level declarations, bare statements and magic lines; the
// kernel also remembers the declarations of earlier cells. To know what a
// name at the cursor means, the package composes the remembered declarations
// and the cell into one tolerant Go file: magic lines are blanked, the
// statement under the cursor is cut at the cursor and closed with whatever
// brackets it still needs, statements are wrapped in a function, and
// standard-library or project packages that the cell uses without importing
// are imported (as the kernel does when it builds the cell). The file is then
// type-checked with go/types, ignoring errors, and the scope at the cursor
// gives the candidates.
//
// Imported packages are read from export data that the go command produces
// (go list -export) in the engine's module directory, so the first request
// that needs a package pays for the go command and later ones are served from
// memory. A package that does not compile is type-checked from its source
// instead, so its names are still offered.
package complete

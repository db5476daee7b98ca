// Package magic is conclab's one registry of magics: for each, its syntax
// (a line magic such as %time, a first-line magic such as %live, a cell
// magic such as %%script, or other syntax the cell parser reads, such as
// !command), its help and its handler. %help, the completion of %-names and
// the README's table of magics all come from a Registry.
//
// The registry is generic in its handler type, so that the kernel, whose
// handlers need its session, declares each magic in one place without this
// package importing the kernel.
package magic

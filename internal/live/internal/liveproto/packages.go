package liveproto

import (
	"maps"
	"slices"
)

//go:generate go run ../genpackages -o packages_gen.go

// Packages maps the import path of every package the worker can import to
// the package's name. The kernel checks and completes live cells with it;
// the list is generated from the worker's symbol tables (go generate), so
// the kernel need not link those tables, and a test of the worker checks
// that it is current.
func Packages() map[string]string { return maps.Clone(packages) }

// Generic reports whether name is an exported generic function or type of
// the package at path: the worker's tables cannot hold those, so the kernel
// names them in its error.
func Generic(path, name string) bool { return slices.Contains(generics[path], name) }

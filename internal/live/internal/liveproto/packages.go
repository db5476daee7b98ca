package liveproto

import "maps"

//go:generate go run ../genpackages -o packages_gen.go

// Packages maps the import path of every package the worker can import to
// the package's name. The kernel checks and completes live cells with it;
// the list is generated from the worker's symbol tables (go generate), so
// the kernel need not link those tables, and a test of the worker checks
// that it is current.
func Packages() map[string]string { return maps.Clone(packages) }

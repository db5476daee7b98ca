// Package conclab carries the source of the packages that notebook cells
// import (demos, plots, check) inside the conclab binary, so a kernel can build
// cells against exactly the library it was released with, wherever the
// binary is installed and with no network.
package conclab

import "embed"

// Source holds go.mod, go.sum, the demos, plots and check packages and the
// internal packages they use (the trace reader, cell positions).
//
//go:embed go.mod go.sum demos plots check internal/schedtrace internal/cellpos
var Source embed.FS

// ModulePath is the module path cells import the project's packages from.
const ModulePath = "github.com/conclab/conclab"

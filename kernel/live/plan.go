package live

import (
	"strings"
)

// A plan is a live cell made ready for the worker: its parts in the order the
// interpreter must see them. Decls and Body keep the cell's line numbers, so
// the interpreter's positions are cell lines.
type plan struct {
	// Imports are the cell's own imports followed by the packages it uses
	// without importing them; the worker skips what the session has already.
	Imports []importRef `json:"imports,omitempty"`
	// Decls are the cell's declarations other than imports, as one chunk.
	Decls string `json:"decls,omitempty"`
	// Body holds the cell's statements, declarations blanked out.
	Body string `json:"body,omitempty"`
	// Show reports whether the body ends with an expression whose value the
	// cell shows (x, len(s), 6*7).
	Show bool `json:"show,omitempty"`
	// Defines are the names the cell declares at top level (functions, types,
	// variables, constants), for completion and the next cells' checks.
	Defines []definedName `json:"-"`
}

// importRef is one import of a plan.
type importRef struct {
	Name string `json:"name"`           // the name it binds: "fmt", "rand", an alias
	Path string `json:"path"`           // the import path
	Auto bool   `json:"auto,omitempty"` // added by conclab: skipped if Name is taken
	Line int    `json:"line,omitempty"` // cell line of an explicit import
}

// source is the import declaration the interpreter evaluates.
func (r importRef) source() string {
	if r.Name == lastElem(r.Path) {
		return "import " + quote(r.Path)
	}
	return "import " + r.Name + " " + quote(r.Path)
}

// definedName is a top-level name a cell defines, with what it is.
type definedName struct {
	Name string
	Kind string // "func", "type", "var", "const"
}

func lastElem(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[i+1:]
	}
	return path
}

func quote(s string) string { return `"` + s + `"` }

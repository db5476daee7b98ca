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
	// Segments are the rest of the cell in cell order: runs of declarations
	// and runs of statements. Statements of a live cell run in the session's
	// global scope, so a func declared after "n := 0" may use n.
	Segments []segment `json:"segments,omitempty"`
	// Show reports whether the last segment ends with an expression whose
	// value the cell shows (x, len(s), 6*7).
	Show bool `json:"show,omitempty"`
	// Defines are the names the cell declares at top level (functions, types,
	// variables, constants), for completion and the next cells' checks.
	Defines []definedName `json:"-"`
	// Types are the cell's type definitions (name -> typeText).
	Types map[string]string `json:"-"`
}

// segment is a chunk of a cell for the interpreter: the cell's text with
// every line outside the chunk emptied, so positions are cell lines.
type segment struct {
	Decls bool   `json:"decls,omitempty"` // declarations; statements otherwise
	Src   string `json:"src"`
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

package liveproto

import (
	"path"
	"strconv"
)

// A Plan is a live cell made ready for the worker: its parts in the order the
// interpreter must see them. Decls and Body keep the cell's line numbers, so
// the interpreter's positions are cell lines.
type Plan struct {
	// Imports are the cell's own imports followed by the packages it uses
	// without importing them; the worker skips what the session has already.
	Imports []ImportRef `json:"imports,omitempty"`
	// Segments are the rest of the cell in cell order: runs of declarations
	// and runs of statements. Statements of a live cell run in the session's
	// global scope, so a func declared after "n := 0" may use n.
	Segments []Segment `json:"segments,omitempty"`
	// Show reports whether the last segment ends with an expression whose
	// value the cell shows (x, len(s), 6*7).
	Show bool `json:"show,omitempty"`
	// Defines are the names the cell declares at top level (functions, types,
	// variables, constants), for completion and the next cells' checks.
	Defines []DefinedName `json:"-"`
	// Types are the cell's type definitions (name -> typeText).
	Types map[string]string `json:"-"`
	// Sigs are the types of the cell's top-level functions and variables,
	// as Go source, where the cell alone decides them (name -> type), so
	// that later cells can tell the element types of its iterators.
	Sigs map[string]string `json:"-"`
	// Decls are the cell's generic functions (stub bodies) and type
	// declarations as Go source (name -> declaration), so that later cells
	// are type-checked with them and can call its generic functions.
	Decls map[string]string `json:"-"`
}

// Segment is a chunk of a cell for the interpreter: the cell's text with
// every line outside the chunk emptied, so positions are cell lines.
type Segment struct {
	Decls bool   `json:"decls,omitempty"` // declarations; statements otherwise
	Src   string `json:"src"`
}

// ImportRef is one import of a plan.
type ImportRef struct {
	Name string `json:"name"`           // the name it binds: "fmt", "rand", an alias
	Path string `json:"path"`           // the import path
	Auto bool   `json:"auto,omitempty"` // added by conclab: skipped if Name is taken
	Line int    `json:"line,omitempty"` // cell line of an explicit import
}

// Source is the import declaration the interpreter evaluates.
func (r ImportRef) Source() string {
	if r.Name == path.Base(r.Path) {
		return "import " + strconv.Quote(r.Path)
	}
	return "import " + r.Name + " " + strconv.Quote(r.Path)
}

// DefinedName is a top-level name a cell defines, with what it is.
type DefinedName struct {
	Name string
	Kind string // "func", "type", "var", "const"
}

// Package cell turns notebook cells into Go programs for conclab's compiled
// engine.
//
// Parse splits a cell into line magics, shell lines, top-level declarations
// and statements. A Session remembers the declarations of cells that built,
// and Compose writes the complete main package for the next cell: remembered
// declarations, the cell's own, its statements inside main, and an import
// block resolved in process. The composed file carries //line directives,
// so compiler errors, vet and race reports and panic traces already name
// cell lines; Program.Rewrite only makes them read "line 5" or
// "cell [3] line 4".
package cell

import "go/token"

// Cell is one parsed notebook cell.
type Cell struct {
	// Source is the cell text as parsed: CRLF and lone CR line endings
	// become LF, a leading byte order mark is dropped.
	Source string
	// Magics are the line magics ("%goflags -race") in cell order. The
	// %% and %main markers are not listed: they shape Body instead.
	Magics []Magic
	// Shell are the "!command" lines in cell order.
	Shell []Shell
	// CellMagic is set for a cell whose first non-blank line is
	// "%%name args": the rest is a body for another interpreter and every
	// other field but Source is empty.
	CellMagic *CellMagic
	// Decls are the top-level declarations in cell order (func main is in
	// Main instead).
	Decls []Decl
	// Body holds the statements: the cell text with declarations, magics
	// and shell lines blanked out, so that body line N is cell line N.
	Body string
	// HasBody reports whether there are statements.
	HasBody bool
	// Main is the cell's own func main, if any: it is the program's main
	// for this run and is never remembered.
	Main *Decl
	// MainArgs is the text after a "%%" or "%main" marker ("%% -n=3"),
	// which gonb passes to the program as arguments; "" when absent.
	MainArgs string

	bodyUses uses       // what the statements take from outside the cell
	parsed   bool       // built by Parse (Compose re-parses hand-made cells)
	value    *valueSpan // the last expression, whose value the cell shows
}

// Magic is a line magic: "%goflags -race" is {Name: "goflags", Args: "-race"}.
type Magic struct {
	Line int    // 1-based cell line
	Name string // without the %
	Args string // the rest of the line, trimmed
}

// Shell is a "!command" line.
type Shell struct {
	Line    int    // 1-based cell line
	Command string // the text after "!", trimmed
}

// CellMagic is a "%%name args" first line and the cell body below it.
type CellMagic struct {
	Line int    // 1-based cell line of the %% line
	Name string // "script", "bash", "python3", ...
	Args string // the rest of the %% line, trimmed
	Body string // every line after the %% line, verbatim
}

// Decl is a top-level declaration.
type Decl struct {
	// Kind is token.IMPORT, FUNC, TYPE, VAR or CONST.
	Kind token.Token
	// Keys are the names the declaration defines: "F", "T", "T.M" for a
	// method, every var or const name, an import's path ("alias path" when
	// it is renamed), and "init#<hash>" or "_#<hash>" for init funcs and
	// blank names, keyed by their text so that re-running a cell replaces
	// them instead of adding copies.
	Keys []string
	// Src is the declaration's source, with the doc comment right above
	// it. An import spec of a group is given as a single import.
	Src string
	// Line and Column locate Src in its cell (1-based).
	Line, Column int
	// Cell is the execution count of the cell it came from once it is
	// remembered (Session.Decls); 0 in a parsed Cell.
	Cell int

	ids   []string    // what a later declaration replaces it by
	names []string    // package-scope names it declares
	uses  uses        // what it takes from outside its cell
	imp   *importSpec // for imports
}

// importSpec is a parsed import spec.
type importSpec struct {
	name string // "" (none), "_", "." or an alias
	path string
	text string // the spec as written: `m "math"`

	line, col int // where text starts in its cell

	// For `import "C"`: its preamble, the comment group right above it,
	// as written, and where it starts in its cell.
	preamble        string
	preLine, preCol int
}

// uses are the names some code takes from outside itself: what the parser
// could not resolve within the code's own cell.
type uses struct {
	// pkgs are X.Sel references with X unresolved: package name ->
	// selectors used on it (fmt -> Println, Sprintf).
	pkgs map[string]map[string]bool
	// names are the other unresolved identifiers: declarations of other
	// cells, predeclared names, names from dot imports.
	names map[string]bool
}

func newUses() uses { return uses{pkgs: map[string]map[string]bool{}, names: map[string]bool{}} }

func (u uses) addPkg(pkg, sel string) {
	m := u.pkgs[pkg]
	if m == nil {
		m = map[string]bool{}
		u.pkgs[pkg] = m
	}
	m[sel] = true
}

func (u uses) merge(o uses) {
	for pkg, sels := range o.pkgs {
		for s := range sels {
			u.addPkg(pkg, s)
		}
	}
	for n := range o.names {
		u.names[n] = true
	}
}

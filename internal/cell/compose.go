package cell

import (
	"bytes"
	"errors"
	"fmt"
	"go/token"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Positions in a composed program name virtual files under this directory:
// cell.go for the cell being run, cell<N>.go for declarations remembered
// from cell [N], generated.go for conclab's own lines. The compiler, vet,
// the race detector and the runtime all report these names, which Rewrite
// turns into cell terms. The cell being run has no number in its name, so
// running an unchanged cell again composes the same bytes and hits the
// engine's binary cache.
const (
	virtualDir    = "/conclab/"
	currentFile   = virtualDir + "cell.go"
	generatedFile = virtualDir + "generated.go"
)

func rememberedFile(id int) string { return virtualDir + "cell" + strconv.Itoa(id) + ".go" }

// Program is the main package composed for one cell.
type Program struct {
	// Source is the complete main.go.
	Source []byte
	// ID is the execution count the program was composed for.
	ID int
	// Imports are the program's import paths, sorted.
	Imports []string
	// HasResult reports whether the program shows the value of the cell's
	// last expression on file descriptor ResultFD.
	HasResult bool

	decls      []Decl          // the cell's declarations, remembered by Commit
	remembered []Decl          // the earlier cells' declarations it holds
	cgoLines   map[int]cgoLine // where the lines of cgo imports come from (cgo.go)
}

// Compose builds the complete main package for cell c, run as execution
// id: the remembered declarations, the cell's own (which replace the
// remembered ones they share a key with), and the cell's statements as the
// body of main, or the cell's own main. Imports are fixed in process:
// packages the code uses without importing are added (standard library and
// the Resolver's packages), imports nothing uses are dropped, so that a
// remembered import never breaks a later cell. The session is not changed:
// Commit does that once the program built.
func (s *Session) Compose(c *Cell, id int) (*Program, error) {
	return s.ComposeWith(c, id, ComposeOptions{})
}

// ComposeWith is Compose with options: ComposeOptions.Trace makes a program
// that records an execution trace of its main (see TraceEnv). A traced
// program differs in its source, so the engine's binary cache never mixes
// the two.
func (s *Session) ComposeWith(c *Cell, id int, opt ComposeOptions) (*Program, error) {
	if c == nil {
		return nil, errors.New("compose: no cell")
	}
	if c.CellMagic != nil {
		return nil, fmt.Errorf("compose: a %%%%%s cell is not Go", c.CellMagic.Name)
	}
	if !c.parsed {
		pc, err := Parse(c.Source)
		if err != nil {
			return nil, err
		}
		c = pc
	}
	own := make([]Decl, len(c.Decls))
	for i, d := range c.Decls {
		d.Cell = id
		own[i] = d
	}
	all := replace(s.remembered(), own)
	w := s.newWriter(all, c)
	w.current = len(all) - len(own)
	w.trace = opt.Trace

	b := &w.buf
	w.result = c.Main == nil && c.HasBody && c.value != nil
	w.generated()
	b.WriteString("package main\n")
	w.imports()
	w.cgo()
	for i, d := range all {
		if d.Kind == token.IMPORT {
			continue
		}
		b.WriteByte('\n')
		w.directive(w.fileOf(i), d.Line, d.Column)
		b.WriteString(d.Src)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	if w.result {
		w.generated()
		b.WriteString(resultHelper())
	}
	if w.trace {
		w.generated()
		b.WriteString(traceHelper())
		b.WriteByte('\n')
	}
	if c.Main != nil {
		src := c.Main.Src
		if w.trace {
			renamed, err := renameMain(src, currentFile, c.Main.Line, c.Main.Column)
			if err != nil {
				return nil, err
			}
			src = renamed
		}
		w.directive(currentFile, c.Main.Line, c.Main.Column)
		b.WriteString(src)
		b.WriteByte('\n')
		if w.trace {
			w.generated()
			b.WriteString("func main() { defer conclabTraceStart()(); " + traceMain + "() }\n")
		}
	} else {
		w.generated()
		b.WriteString("func main() {")
		if w.trace {
			// First, so that the trace sees everything main does.
			b.WriteString(" defer conclabTraceStart()();")
		}
		if w.flagParse {
			// As gonb does: package-level flags see the %args arguments.
			b.WriteString(" flag.Parse()")
		}
		b.WriteByte('\n')
		if c.HasBody {
			w.directive(currentFile, 1, 1)
			w.body(c)
			b.WriteByte('\n')
		}
		b.WriteString("}\n")
	}
	return &Program{Source: b.Bytes(), ID: id, Imports: w.paths, HasResult: w.result, decls: own, remembered: all[:w.current], cgoLines: w.cgoLines}, nil
}

// body writes the cell's statements; the last expression, if the cell shows
// one, goes into the result call with a /*line*/ directive so that its
// columns stay those of the cell.
func (w *writer) body(c *Cell) {
	if !w.result {
		w.buf.WriteString(c.Body)
		return
	}
	v := c.value
	bl := newLines(c.Body)
	from := bl.start(v.line) + v.col - 1
	to := bl.start(v.endLine) + v.endCol - 1
	if from < 0 || to > len(c.Body) || from > to {
		w.buf.WriteString(c.Body) // cannot happen; never fail a cell over the result
		return
	}
	w.buf.WriteString(c.Body[:from])
	fmt.Fprintf(&w.buf, "conclabShowResult(/*line %s:%d:%d*/", currentFile, v.line, v.col)
	w.buf.WriteString(c.Body[from:to])
	w.buf.WriteString(")")
	w.buf.WriteString(c.Body[to:])
}

// Source returns the remembered declarations as a Go file: package main,
// their imports (explicit and resolved) and the declarations, with no main.
// Completion and inspection read it as the context of a cell.
func (s *Session) Source() string {
	w := s.newWriter(s.remembered(), &Cell{parsed: true})
	w.plain = true
	w.buf.WriteString("package main\n")
	w.imports()
	w.cgo()
	for _, d := range w.all {
		if d.Kind != token.IMPORT {
			w.buf.WriteByte('\n')
			w.buf.WriteString(d.Src)
			w.buf.WriteByte('\n')
		}
	}
	return w.buf.String()
}

// writer composes one file.
type writer struct {
	res   *Resolver
	all   []Decl
	buf   bytes.Buffer
	plain bool // no //line directives (Source)

	current   int  // all[current:] are the cell's own declarations
	used      uses // what the code takes from outside the package scope
	flagParse bool // main must call flag.Parse
	result    bool // main shows the value of the cell's last expression
	trace     bool // main records an execution trace (ComposeOptions.Trace)
	paths     []string
	cgoLines  map[int]cgoLine // real line of main.go -> cell position
}

func (s *Session) newWriter(all []Decl, c *Cell) *writer {
	w := &writer{res: s.res, all: all, current: len(all), used: newUses()}
	size := len(c.Body) + 256
	scope := map[string]bool{}
	declUses := newUses()
	for _, d := range all {
		size += len(d.Src) + 40
		for _, n := range d.names {
			scope[n] = true
		}
		declUses.merge(d.uses)
	}
	if c.Main != nil {
		scope["main"] = true
		declUses.merge(c.Main.uses)
	}
	w.buf.Grow(size)
	w.used.merge(declUses)
	w.used.merge(c.bodyUses)
	for n := range scope {
		delete(w.used.pkgs, n)
		delete(w.used.names, n)
	}
	// gonb calls flag.Parse in main; do it when package-level code uses
	// package flag, which is where flags defined for %args live.
	_, w.flagParse = declUses.pkgs["flag"]
	w.flagParse = w.flagParse && !scope["flag"] && c.Main == nil
	return w
}

// directive writes a //line directive: the next line is line:col of file.
func (w *writer) directive(file string, line, col int) {
	if w.plain {
		return
	}
	fmt.Fprintf(&w.buf, "//line %s:%d:%d\n", file, line, col)
}

// fileOf is the virtual file of declaration all[i].
func (w *writer) fileOf(i int) string {
	if i >= w.current {
		return currentFile
	}
	return rememberedFile(w.all[i].Cell)
}

// generated points the next line at its real place in generated.go.
func (w *writer) generated() {
	if w.plain {
		return
	}
	w.directive(generatedFile, bytes.Count(w.buf.Bytes(), []byte{'\n'})+2, 1)
}

// imports writes the import block: resolved packages first, then the
// explicit imports that are used (or blank or dot imports), each at its
// cell position so that a bad path is reported on its cell line. An unused
// explicit import of a package whose name is not known for sure is kept as
// a blank import rather than dropped: its real name may differ from the
// guess.
func (w *writer) imports() {
	explicit := map[string]bool{} // local names given by explicit imports
	type spec struct {
		i    int // in w.all
		text string
	}
	var specs []spec
	var paths []string
	for i, d := range w.all {
		if d.imp == nil {
			continue
		}
		if d.isCgo() {
			// Written by cgo, after the block; never renamed, never dropped.
			explicit[cgoPath] = true
			paths = append(paths, cgoPath)
			continue
		}
		text := d.imp.text
		switch local := d.imp.local(); {
		case d.imp.name == "_":
		case d.imp.name == ".":
			if !w.plain && !w.dotUsed(d.imp.path) {
				continue
			}
		case w.used.pkgs[local] != nil:
			explicit[local] = true
		case w.plain:
			// Source is context for completion: what the user imported
			// is what they are about to use.
			explicit[local] = true
		case w.res.Known(d.imp.path):
			continue
		default:
			text = "_ " + strconv.Quote(d.imp.path)
		}
		specs = append(specs, spec{i, text})
		paths = append(paths, d.imp.path)
	}
	auto := map[string]string{} // path -> local name
	for _, name := range slices.Sorted(maps.Keys(w.used.pkgs)) {
		if explicit[name] {
			continue
		}
		if path, ok := w.res.Resolve(name, slices.Collect(maps.Keys(w.used.pkgs[name]))); ok {
			auto[path] = name
			paths = append(paths, path)
		}
	}
	if w.flagParse {
		w.flagParse = auto["flag"] == "flag" || explicit["flag"]
	}
	if w.embeds() && !slices.Contains(paths, "embed") {
		// //go:embed needs package embed imported even where no code
		// names it (a string or []byte variable).
		auto["embed"] = "_"
		paths = append(paths, "embed")
	}
	slices.Sort(paths)
	w.paths = slices.Compact(paths)
	if len(specs) == 0 && len(auto) == 0 && !w.result && !w.trace {
		return
	}
	w.buf.WriteString("\nimport (\n")
	// Named apart from the cell's own imports; Go allows a package twice.
	if w.result {
		w.buf.WriteString("\tconclabfmt \"fmt\"\n")
	}
	if w.result || w.trace {
		w.buf.WriteString("\tconclabos \"os\"\n")
	}
	if w.trace {
		for _, imp := range traceImports {
			w.buf.WriteString("\t" + imp + "\n")
		}
	}
	for _, path := range slices.Sorted(maps.Keys(auto)) {
		w.buf.WriteByte('\t')
		if name := auto[path]; name != assumedName(path) {
			w.buf.WriteString(name + " ")
		}
		w.buf.WriteString(strconv.Quote(path) + "\n")
	}
	for _, s := range specs {
		imp := w.all[s.i].imp
		w.directive(w.fileOf(s.i), imp.line, imp.col)
		w.buf.WriteString(s.text + "\n")
	}
	if len(specs) > 0 {
		w.generated()
	}
	w.buf.WriteString(")\n")
}

// dotUsed reports whether the code may use a name of dot-imported package
// path. Only for the standard library are its names known; another dot
// import is kept.
func (w *writer) dotUsed(path string) bool {
	ex, ok := w.res.stdExports(path)
	if !ok {
		return true
	}
	for n := range w.used.names {
		if ex[n] {
			return true
		}
	}
	return false
}

// embeds reports whether a declaration has a //go:embed directive.
func (w *writer) embeds() bool {
	for _, d := range w.all {
		if d.Kind == token.VAR && strings.Contains(d.Src, "//go:embed") {
			return true
		}
	}
	return false
}

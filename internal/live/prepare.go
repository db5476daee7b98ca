package live

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/live/internal/liveproto"
)

// Prefixes of the files handed to go/parser. The interpreter adds the same
// kind of text on the first line, so line numbers stay cell lines.
const (
	declPrefix = "package main;"
	bodyPrefix = "package main;func _(){"
	bodySuffix = "\n}"
)

// knowledge is what preparing a cell needs to know about the session.
type knowledge struct {
	// packages maps a package name to the import path conclab adds when a
	// cell uses the name without importing it.
	packages map[string]string
	// paths are the import paths the worker has symbols for.
	paths map[string]bool
	// live maps the session's top-level names to what they are: "func",
	// "type", or a reflect.Kind name for variables and constants ("int",
	// "chan", "func", ...).
	live map[string]string
	// types maps the session's types to their definitions (as typeText
	// gives them): yaegi keeps the first definition of a type, so a
	// different one is refused instead of silently ignored.
	types map[string]string
	// sigs maps the session's functions and variables to their types, as
	// Go source, where the cells that made them decided them.
	sigs map[string]string
	// decls maps the session's generic functions and types to their
	// declarations as Go source (see declSources).
	decls map[string]string
	// imports maps the names the session's imports bound to their paths.
	imports map[string]string
	// broken are the functions a cell that did not compile declared: the
	// interpreter keeps them with empty bodies (see Engine.learn).
	broken map[string]bool
}

// prepare parses a live cell, rejects what the interpreter cannot run, and
// returns the plan the worker evaluates. A problem of the cell comes back as
// a *engine.Error. cellID is the cell's execution count, which the marks
// of its lines carry (see blockMarkEdits).
func prepare(code string, cellID int, k *knowledge) (*liveproto.Plan, error) {
	c, err := cell.Parse(code)
	if err != nil {
		return nil, syntaxError(err)
	}
	if err := noDirectives(c); err != nil {
		return nil, err
	}
	p := &liveproto.Plan{}
	var decls []cell.Decl
	explicit := map[string]string{} // names bound by the cell's own imports -> paths
	for _, d := range c.Decls {
		if d.Kind != token.IMPORT {
			decls = append(decls, d)
			continue
		}
		ref, err := importOf(d)
		if err != nil {
			return nil, err
		}
		if !k.paths[ref.Path] {
			return nil, unsupported(d.Line, "package "+strconv.Quote(ref.Path)+" is not available in live cells",
				"Live cells can import the standard library, demos, plots, check, gonbui and errgroup.")
		}
		explicit[ref.Name] = ref.Path
		p.Imports = append(p.Imports, ref)
	}
	if c.Main != nil {
		decls = append(decls, *c.Main)
		slices.SortStableFunc(decls, func(a, b cell.Decl) int { return a.Line - b.Line })
	}
	declText := placeDecls(decls)
	bodyText := ""
	if c.HasBody {
		bodyText = c.Body
	}

	fset := token.NewFileSet()
	declFile, err := parser.ParseFile(fset, "decls", declPrefix+declText, 0)
	if err != nil {
		return nil, syntaxError(err)
	}
	bodyFile, err := parser.ParseFile(fset, "body", bodyPrefix+bodyText+bodySuffix, 0)
	if err != nil {
		return nil, syntaxError(err)
	}
	body := bodyFile.Decls[0].(*ast.FuncDecl).Body

	p.Defines = defines(declFile, body)
	if p.Types, err = types(fset, declFile, declText, k.types); err != nil {
		return nil, err
	}
	ck := newChecker(fset, k, p.Defines, explicit)
	if err := ck.check(declFile, body); err != nil {
		return nil, err
	}
	var files []*ast.File
	p.Decls = declSources(fset, declFile, declText)
	if f := sessionFile(fset, k.sigs, k.decls, p.Defines); f != nil {
		files = append(files, f)
	}
	iterName := importName("iter", explicit, k.imports)
	if iterName == "" && ck.uses["iter"] {
		iterName = "iter" // used without an import: conclab imports it
	}
	info := resolve(fset, append(files, withImport(declFile, iterName, "iter"), withImport(bodyFile, iterName, "iter"))...)
	p.Sigs = sigs(info, declFile, body)
	declRanges, err := rangeEdits(fset, info, ck, declFile, declText, len(declPrefix))
	if err != nil {
		return nil, err
	}
	bodyRanges, err := rangeEdits(fset, info, ck, body, bodyText, len(bodyPrefix))
	if err != nil {
		return nil, err
	}
	var shown ast.Stmt
	if showsValue(body) {
		shown = body.List[len(body.List)-1]
	}
	// Marks first: they go before a rewritten loop's own text.
	declEdits := append(blockMarkEdits(fset, info, declFile, cellID, len(declPrefix), nil), declRanges...)
	bodyEdits := append(blockMarkEdits(fset, info, body, cellID, len(bodyPrefix), shown), bodyRanges...)
	declEdits = append(declEdits, typeArgEdits(fset, info, declFile, len(declPrefix))...)
	bodyEdits = append(bodyEdits, typeArgEdits(fset, info, body, len(bodyPrefix))...)
	declEdits = append(declEdits, iterEdits(fset, declFile, iterName, declText, len(declPrefix))...)
	bodyEdits = append(bodyEdits, iterEdits(fset, body, iterName, bodyText, len(bodyPrefix))...)
	declLoops, declNames := loopVarEdits(fset, info, declFile, declText, len(declPrefix))
	bodyLoops, bodyNames := loopVarEdits(fset, info, body, bodyText, len(bodyPrefix))
	declEdits = append(append(declEdits, declLoops...), interpFixes(fset, info, declFile, declNames, len(declPrefix))...)
	bodyEdits = append(append(bodyEdits, bodyLoops...), interpFixes(fset, info, body, bodyNames, len(bodyPrefix))...)
	declText = applyEdits(declText, declEdits)
	bodyText = applyEdits(bodyText, bodyEdits)
	p.Segments = segments(order(fset, decls, body), declText, bodyText)
	p.Imports = append(p.Imports, ck.autoImports()...)
	if n := len(p.Segments); n > 0 && !p.Segments[n-1].Decls {
		p.Show = showsValue(body)
	}
	return p, nil
}

// partKind tells how a part of a cell is given to the interpreter.
type partKind int

const (
	partDecl   partKind = iota // declarations: a file chunk
	partDefine                 // "x := ...": runs in the session's global scope
	partStmt                   // other statements: run inside a block
	partShow                   // the last expression, whose value the cell shows
)

// part is a declaration or a statement of a cell, by cell lines.
type part struct {
	kind        partKind
	first, last int // cell lines
	col         int
}

// order lists the cell's declarations and top-level statements in cell
// order.
func order(fset *token.FileSet, decls []cell.Decl, body *ast.BlockStmt) []part {
	var parts []part
	for _, d := range decls {
		parts = append(parts, part{kind: partDecl, first: d.Line, last: d.Line + strings.Count(d.Src, "\n"), col: d.Column})
	}
	show := showsValue(body)
	for i, st := range body.List {
		from, to := fset.Position(st.Pos()), fset.Position(st.End())
		col := from.Column
		if from.Line == 1 {
			col -= len(bodyPrefix)
		}
		kind := partStmt
		if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			kind = partDefine
		} else if show && i == len(body.List)-1 {
			kind = partShow
		}
		parts = append(parts, part{kind: kind, first: from.Line, last: to.Line, col: col})
	}
	slices.SortStableFunc(parts, func(a, b part) int {
		if a.first != b.first {
			return a.first - b.first
		}
		return a.col - b.col
	})
	return parts
}

// segments groups consecutive parts of one kind into chunks. Statements that
// define nothing run inside a block: yaegi handles some of them (a type
// switch that binds a name) only there, and a block changes nothing else for
// them. Where chunks from one text would share a line (parts mixed on one
// line), it falls back to all declarations, then all statements.
func segments(parts []part, declText, bodyText string) []liveproto.Segment {
	type group struct {
		kind        partKind
		first, last int
	}
	var groups []group
	for _, p := range parts {
		if n := len(groups); n > 0 && groups[n-1].kind == p.kind && p.kind != partShow {
			groups[n-1].last = max(groups[n-1].last, p.last)
			continue
		}
		groups = append(groups, group{p.kind, p.first, p.last})
	}
	lastLine := map[bool]int{}
	for _, g := range groups {
		decl := g.kind == partDecl
		if prev, ok := lastLine[decl]; ok && g.first <= prev {
			return wholeSegments(declText, bodyText)
		}
		lastLine[decl] = g.last
	}
	var out []liveproto.Segment
	for _, g := range groups {
		switch g.kind {
		case partDecl:
			out = append(out, liveproto.Segment{Decls: true, Src: keepLines(declText, g.first, g.last)})
		case partStmt:
			// The closing brace goes on a line of its own: the last line may
			// end with a comment.
			src := keepLines(bodyText, g.first, g.last)
			lines := strings.Split(src, "\n")
			lines[g.first-1] = "{" + lines[g.first-1]
			out = append(out, liveproto.Segment{Src: strings.Join(lines, "\n") + "\n}"})
		default:
			out = append(out, liveproto.Segment{Src: keepLines(bodyText, g.first, g.last)})
		}
	}
	return out
}

// wholeSegments is every declaration, then every statement.
func wholeSegments(declText, bodyText string) []liveproto.Segment {
	var out []liveproto.Segment
	if strings.TrimSpace(declText) != "" {
		out = append(out, liveproto.Segment{Decls: true, Src: declText})
	}
	if strings.TrimSpace(bodyText) != "" {
		out = append(out, liveproto.Segment{Src: bodyText})
	}
	return out
}

// keepLines empties every line of text outside [first, last] (1-based), and
// drops the lines after last.
func keepLines(text string, first, last int) string {
	lines := strings.Split(text, "\n")
	if last < len(lines) {
		lines = lines[:last]
	}
	for i := range lines {
		if i+1 < first {
			lines[i] = ""
		}
	}
	return strings.Join(lines, "\n")
}

// noDirectives rejects magics and shell lines: a live cell is Go only.
func noDirectives(c *cell.Cell) error {
	switch {
	case c.CellMagic != nil:
		return unsupported(c.CellMagic.Line, "the cell magic %%"+c.CellMagic.Name+" cannot follow %live", "")
	case len(c.Magics) > 0:
		return unsupported(c.Magics[0].Line, "the magic %"+c.Magics[0].Name+" is not run in live cells", "")
	case len(c.Shell) > 0:
		return unsupported(c.Shell[0].Line, "shell lines (!"+c.Shell[0].Command+") are not run in live cells", "")
	}
	return nil
}

// importOf reads an import declaration of the cell.
func importOf(d cell.Decl) (liveproto.ImportRef, error) {
	if len(d.Keys) == 0 {
		return liveproto.ImportRef{}, unsupported(d.Line, "an import without a path", "")
	}
	key := d.Keys[0]
	name, imp, renamed := strings.Cut(key, " ")
	if !renamed {
		name, imp = packageName(key), key
	}
	if imp == "C" || name == "." || name == "_" {
		what := map[bool]string{true: "cgo (import \"C\")", false: "a " + name + " import"}[imp == "C"]
		return liveproto.ImportRef{}, unsupported(d.Line, what+" is not supported in live cells", "")
	}
	return liveproto.ImportRef{Name: name, Path: imp, Line: d.Line}, nil
}

// placeDecls writes the declarations at their cell lines and columns, with
// blank lines between them.
func placeDecls(decls []cell.Decl) string {
	var b strings.Builder
	line := 1
	for _, d := range decls {
		for ; line < d.Line; line++ {
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat(" ", max(d.Column-1, 0)))
		b.WriteString(d.Src)
		line += strings.Count(d.Src, "\n")
	}
	return b.String()
}

// defines lists the top-level names of the cell: every declaration, and the
// variables its top-level statements define (live cells run them in the
// session's global scope).
func defines(decls *ast.File, body *ast.BlockStmt) []liveproto.DefinedName {
	var out []liveproto.DefinedName
	add := func(id *ast.Ident, kind string) {
		if id != nil && id.Name != "_" {
			out = append(out, liveproto.DefinedName{Name: id.Name, Kind: kind})
		}
	}
	for _, d := range decls.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				add(d.Name, "func")
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					add(s.Name, "type")
				case *ast.ValueSpec:
					for _, n := range s.Names {
						add(n, strings.ToLower(d.Tok.String()))
					}
				}
			}
		}
	}
	for _, st := range body.List {
		if as, ok := st.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					add(id, "var")
				}
			}
		}
	}
	return out
}

// types returns the cell's type definitions, and refuses one that changes
// a type of the session.
func types(fset *token.FileSet, decls *ast.File, text string, known map[string]string) (map[string]string, error) {
	out := map[string]string{}
	for _, d := range decls.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, s := range gd.Specs {
			ts := s.(*ast.TypeSpec)
			from := fset.Position(ts.Pos()).Offset - len(declPrefix)
			to := fset.Position(ts.End()).Offset - len(declPrefix)
			if from < 0 || to > len(text) || from > to {
				continue
			}
			def := typeText(text[from:to])
			if old, ok := known[ts.Name.Name]; ok && old != def {
				return nil, unsupported(fset.Position(ts.Pos()).Line,
					"type "+ts.Name.Name+" already has another definition in this live session, and the live interpreter cannot change a type",
					"Give the new type another name, or run %live reset first.")
			}
			out[ts.Name.Name] = def
		}
	}
	return out, nil
}

// typeText is a type definition as its tokens, so that spacing, line breaks
// and comments do not make two definitions differ.
func typeText(src string) string {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", -1, len(src)), []byte(src), nil, 0)
	var toks []string
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return strings.Join(toks, " ")
		}
		if tok == token.SEMICOLON {
			continue // written or inserted at a line end: the same definition
		}
		if lit == "" {
			lit = tok.String()
		}
		toks = append(toks, lit)
	}
}

// showsValue reports whether the body ends with an expression to show: one
// Go would reject as a statement. Calls and receives run as written.
func showsValue(body *ast.BlockStmt) bool {
	if len(body.List) == 0 {
		return false
	}
	es, ok := body.List[len(body.List)-1].(*ast.ExprStmt)
	if !ok {
		return false
	}
	switch x := ast.Unparen(es.X).(type) {
	case *ast.CallExpr:
		id, ok := ast.Unparen(x.Fun).(*ast.Ident)
		return ok && valueBuiltins[id.Name]
	case *ast.UnaryExpr:
		return x.Op != token.ARROW
	}
	return true
}

// valueBuiltins are the builtins whose call is not a valid statement.
var valueBuiltins = map[string]bool{
	"append": true, "cap": true, "complex": true, "imag": true, "len": true,
	"make": true, "new": true, "real": true,
}

// syntaxError turns a parse failure into the error the user sees.
func syntaxError(err error) error {
	var ce *cell.Error
	if errors.As(err, &ce) {
		line, _, _ := strings.Cut(ce.Error(), "\n")
		return &engine.Error{Name: "SyntaxError", Value: line, Traceback: strings.Split(ce.Error(), "\n")}
	}
	line, _, _ := strings.Cut(err.Error(), "\n")
	return &engine.Error{Name: "SyntaxError", Value: line, Traceback: []string{err.Error()}}
}

// unsupported is the answer to a construct live cells cannot run.
func unsupported(line int, what, hint string) error {
	msg := what
	if line > 0 {
		msg = "line " + strconv.Itoa(line) + ": " + what
	}
	tb := []string{msg}
	if hint != "" {
		tb = append(tb, hint)
	}
	tb = append(tb, "Run the cell without %live to use the compiled engine, which supports all of Go 1.26.")
	return &engine.Error{Name: "NotInLive", Value: msg, Traceback: tb}
}

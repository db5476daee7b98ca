package cell

import (
	"cmp"
	"errors"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"slices"
	"strconv"
	"strings"
)

// Parse splits a cell into magics, shell lines, declarations and
// statements. Syntax errors come back as *Error with cell line numbers
// ("line 3: expected '}', found 'EOF'"); Parse never panics, whatever src
// holds.
func Parse(src string) (*Cell, error) {
	src = normalize(src)
	l := newLines(src)
	c := &Cell{Source: src, parsed: true}
	if cm := cellMagic(l); cm != nil {
		c.CellMagic = cm
		return c, nil
	}

	d := findDirectives(l)
	c.Magics, c.Shell, c.MainArgs = d.magics, d.shell, d.mainArgs
	noDirectives := newBlanker(l)
	for _, n := range d.lines {
		noDirectives.hide(l.start(n), l.start(n)+len(l.line(n)))
	}
	code := string(noDirectives.b)
	bodyFrom := len(code) + 1
	if d.mainLine > 0 {
		bodyFrom = l.start(d.mainLine + 1)
	}
	spans, problems := classify(l, code, bodyFrom)
	problems = append(d.problems, problems...)
	if len(problems) > 0 {
		return nil, newError(problems)
	}

	// The body is the cell without its declarations: statements and the
	// comments between them, parsed exactly as Compose will emit it.
	body := noDirectives
	for _, sp := range spans {
		if sp.kind == stmtSpan {
			c.HasBody = true
		} else {
			body.hide(sp.from, sp.to)
		}
	}
	p := &cellParser{l: l, code: code, cell: c}
	p.parse(spans, string(body.b))
	if len(p.problems) > 0 {
		return nil, newError(p.problems)
	}
	if c.HasBody {
		c.Body = body.String()
	}
	if c.Main != nil && c.HasBody {
		for _, sp := range spans {
			if sp.kind == stmtSpan {
				line, col := l.pos(sp.from)
				return nil, newError([]Problem{{Line: line, Column: col,
					Msg: "statement outside func main: a cell that defines func main runs only main; move the statements into it"}})
			}
		}
	}
	return c, nil
}

// Prefixes of the files Parse hands to go/parser: cell offset = file offset
// minus the prefix length, so no position needs a //line directive.
const (
	declPrefix = "package main;"
	// A newline, so that a comment on the cell's first line is not taken
	// for a comment on the package clause.
	importPrefix = "package main\n"
	bodyPrefix   = "package main;func _(){"
	bodySuffix   = "\n}"
)

// cellParser parses the parts of one cell.
type cellParser struct {
	l        *lines
	code     string // the cell with directive lines blanked
	cell     *Cell
	problems []Problem
}

func (p *cellParser) parse(spans []span, body string) {
	imports := p.only(spans, func(sp span) bool { return sp.kind == declSpan && sp.keyword == token.IMPORT })
	decls := p.only(spans, func(sp span) bool {
		return sp.kind == mainSpan || sp.kind == declSpan && sp.keyword != token.IMPORT
	})

	// Imports are parsed apart from the other declarations, since Go wants
	// them first and a cell may put them anywhere.
	// Their comments are read for cgo's preamble.
	if f := p.file(importPrefix, imports, "", parser.ParseComments); f != nil {
		p.decls(f, importPrefix, spans)
	}
	if f := p.file(declPrefix, decls, "", 0); f != nil {
		p.decls(f, declPrefix, spans)
	}
	if f := p.file(bodyPrefix, body, bodySuffix, 0); f != nil && len(f.Decls) > 0 {
		p.cell.bodyUses = collectUses(f.Decls[0])
		p.cell.value = lastValue(f, len(bodyPrefix), p.l)
	}
	slices.SortStableFunc(p.cell.Decls, func(a, b Decl) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
}

// only returns the cell text with everything but the kept spans blanked.
func (p *cellParser) only(spans []span, keep func(span) bool) string {
	b := []byte(p.code)
	for i := range b {
		if b[i] != '\n' {
			b[i] = ' '
		}
	}
	for _, sp := range spans {
		if keep(sp) {
			copy(b[sp.from:sp.to], p.code[sp.from:sp.to])
		}
	}
	return string(b)
}

// file parses prefix+text+suffix, turning errors into cell problems.
func (p *cellParser) file(prefix, text, suffix string, mode parser.Mode) *ast.File {
	if isBlank(text) {
		return nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", prefix+text+suffix, mode)
	if err == nil {
		return f
	}
	var list scanner.ErrorList
	if !errors.As(err, &list) {
		p.problems = append(p.problems, Problem{Line: 1, Msg: err.Error()})
		return nil
	}
	for _, e := range list {
		line, col := p.at(e.Pos.Offset - len(prefix))
		p.problems = append(p.problems, Problem{Line: line, Column: col, Msg: e.Msg})
	}
	return nil
}

// at maps a cell offset to a line and column; past the end (an error at
// EOF) means the end of the last line that has text.
func (p *cellParser) at(off int) (line, col int) {
	if off >= len(strings.TrimRight(p.code, goSpace)) {
		off = len(strings.TrimRight(p.code, goSpace))
		if off > 0 {
			off-- // on the last character, not after it
		}
	}
	return p.l.pos(off)
}

// decls turns the declarations of a parsed file (prefix+code) into Decls,
// matching each to its span for the verbatim source.
func (p *cellParser) decls(f *ast.File, prefix string, spans []span) {
	offset := func(pos token.Pos) int { return int(pos-f.FileStart) - len(prefix) }
	for _, d := range f.Decls {
		off := offset(d.Pos())
		sp, ok := spanAt(spans, off)
		if !ok {
			continue // cannot happen: every declaration came from a span
		}
		src := p.code[sp.from:sp.to]
		line, col := p.l.pos(sp.from)
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				p.imports(d, src, line, col, offset)
				continue
			}
			decl := genDecl(d, src)
			decl.Line, decl.Column, decl.Src = line, col, src
			p.cell.Decls = append(p.cell.Decls, decl)
		case *ast.FuncDecl:
			decl := funcDecl(d, src)
			decl.Line, decl.Column, decl.Src = line, col, src
			if sp.kind == mainSpan {
				if p.cell.Main != nil {
					p.problems = append(p.problems, Problem{Line: line, Column: col,
						Msg: "func main declared twice (first on line " + strconv.Itoa(p.cell.Main.Line) + ")"})
					continue
				}
				p.cell.Main = &decl
				continue
			}
			p.cell.Decls = append(p.cell.Decls, decl)
		}
	}
}

// imports adds one Decl per import spec, so that each import is
// remembered, replaced and removed on its own.
func (p *cellParser) imports(d *ast.GenDecl, src string, line, col int, offset func(token.Pos) int) {
	for _, s := range d.Specs {
		is := s.(*ast.ImportSpec)
		spec, err := newImportSpec(is)
		from, to := offset(is.Pos()), offset(is.End())
		sl, sc := p.l.pos(from)
		if err != nil {
			p.problems = append(p.problems, Problem{Line: sl, Column: sc, Msg: err.Error()})
			continue
		}
		spec.text, spec.line, spec.col = p.code[from:to], sl, sc
		if spec.path == cgoPath {
			if spec.name != "" {
				p.problems = append(p.problems, Problem{Line: sl, Column: sc, Msg: `cannot rename import "C"`})
				continue
			}
			p.cell.Decls = append(p.cell.Decls, p.cgo(d, is, spec, offset))
			continue
		}
		decl := importDecl(spec)
		decl.Src, decl.Line, decl.Column = "import "+spec.text, sl, sc
		if !d.Lparen.IsValid() {
			decl.Src, decl.Line, decl.Column = src, line, col
		}
		p.cell.Decls = append(p.cell.Decls, decl)
	}
}

// cgo describes an `import "C"` with its preamble, the comment right above
// it as cgo finds it: the spec's doc comment, or the declaration's when it
// imports "C" alone.
func (p *cellParser) cgo(d *ast.GenDecl, is *ast.ImportSpec, spec *importSpec, offset func(token.Pos) int) Decl {
	doc := is.Doc
	if doc == nil && len(d.Specs) == 1 {
		doc = d.Doc
	}
	src := `import "C"`
	line, col := spec.line, spec.col
	if doc != nil {
		from, to := offset(doc.Pos()), offset(doc.End())
		spec.preamble = p.code[from:to]
		spec.preLine, spec.preCol = p.l.pos(from)
		src = spec.preamble + "\n" + src
		line, col = spec.preLine, spec.preCol
	}
	decl := cgoDecl(spec)
	decl.Src, decl.Line, decl.Column = src, line, col
	return decl
}

// collectUses finds what n takes from outside: X.Sel where X is a name the
// parser could not resolve in the file (so not a local or a declaration of
// the same cell) is a package reference; any other unresolved identifier
// is a name from elsewhere.
func collectUses(n ast.Node) uses {
	u := newUses()
	var visit func(ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok && x.Obj == nil {
				if x.Name != "_" {
					u.addPkg(x.Name, n.Sel.Name)
				}
			} else {
				ast.Inspect(n.X, visit)
			}
			return false // Sel is a member, not a name from outside
		case *ast.Ident:
			if n.Obj == nil && n.Name != "_" {
				u.names[n.Name] = true
			}
		}
		return true
	}
	ast.Inspect(n, visit)
	return u
}

// spanAt returns the span holding cell offset off.
func spanAt(spans []span, off int) (span, bool) {
	for _, s := range spans {
		if s.from <= off && off < s.to {
			return s, true
		}
	}
	return span{}, false
}

package cell

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary cells to Parse, IsComplete, Compose and
// Rewrite: none may panic, errors must be *Error with cell lines, and what
// Parse accepts must compose into a file that parses.
func FuzzParse(f *testing.F) {
	s := NewSessionWith(testResolver)
	if err := s.Warm(); err != nil {
		f.Fatal(err)
	}
	for i, src := range []string{
		"import \"fmt\"\nfunc Helper(n int) int { return n }\ntype T struct{ v int }\nfunc (t *T) Inc() { t.v++ }",
		"var counter = 0\nconst limit = 3",
		"/* int twice(int x) { return 2*x; } */\nimport \"C\"",
	} {
		c, err := Parse(src)
		if err != nil {
			f.Fatal(err)
		}
		p, err := s.Compose(c, i+1)
		if err != nil {
			f.Fatal(err)
		}
		s.Commit(p)
	}
	f.Fuzz(func(t *testing.T, src string) {
		switch status, _ := IsComplete(src); status {
		case "complete", "incomplete", "invalid":
		default:
			t.Fatalf("IsComplete status %q", status)
		}
		c, err := Parse(src)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) || len(perr.Problems) == 0 {
				t.Fatalf("Parse error %T %v, want *Error with problems", err, err)
			}
			n := strings.Count(normalize(src), "\n") + 1
			for _, p := range perr.Problems {
				if p.Line < 1 || p.Line > n {
					t.Fatalf("problem on line %d of a %d-line cell: %v", p.Line, n, err)
				}
			}
			return
		}
		if c.HasBody && strings.Count(c.Body, "\n") != strings.Count(c.Source, "\n") {
			t.Fatalf("body has %d newlines, cell %d", strings.Count(c.Body, "\n"), strings.Count(c.Source, "\n"))
		}
		l := newLines(c.Source)
		for _, d := range c.Decls {
			if d.Kind != token.IMPORT && !strings.HasPrefix(c.Source[min(l.start(d.Line)+d.Column-1, len(c.Source)):], d.Src) {
				t.Fatalf("decl %q is not at %d:%d of the cell", d.Src, d.Line, d.Column)
			}
		}
		p, err := s.Compose(c, 3)
		if c.CellMagic != nil {
			if err == nil {
				t.Fatal("composed a cell magic")
			}
			return
		}
		if err != nil {
			t.Fatalf("Compose: %v", err)
		}
		if _, err := parser.ParseFile(token.NewFileSet(), "main.go", p.Source, 0); err != nil {
			t.Fatalf("composed file does not parse: %v\n%s", err, p.Source)
		}
		cgoImports(t, p.Source) // no //line directive in a preamble
		_ = p.Rewrite(src)
	})
}

// FuzzCNames feeds arbitrary preambles to the rough C reader behind cgo
// keys and line maps: it may not panic, the names it finds must be C
// identifiers (or "struct_tag"), and there is one cell line for each line
// of C code cgo makes of a preamble.
func FuzzCNames(f *testing.F) {
	for _, src := range []string{
		"/* int twice(int x) { return 2*x; } */",
		"// #include <stdlib.h>\n// typedef struct { int x; } point;",
		"/*\n#define MAX(a, b) ((a) > (b) ? (a) : (b))\nenum color { RED, GREEN = 2 };\n*/",
		"// int (*pick(int n))(int) { return 0; }\n/* \"unterminated */",
	} {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, preamble string) {
		for _, n := range cNames(preambleText(preamble)) {
			_, tag, ok := strings.Cut(n, "_")
			if !isCIdent(n) && !(ok && isCIdent(tag)) {
				t.Fatalf("cNames found %q", n)
			}
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "p.go", "package p\n"+preamble+"\nimport \"C\"", parser.ParseComments)
		if err != nil || len(f.Imports) != 1 || f.Imports[0].Doc == nil && f.Decls[0].(*ast.GenDecl).Doc == nil {
			return // not a preamble
		}
		doc := f.Decls[0].(*ast.GenDecl).Doc
		if src := preamble[fset.Position(doc.Pos()).Offset-len("package p\n"):]; !strings.HasPrefix(src, "/") || strings.TrimSpace(preamble) != preamble {
			return // not only the preamble
		}
		c := strings.Split(preambleText(preamble), "\n")
		if cs := comments(preamble); strings.HasPrefix(cs[len(cs)-1].text, "//") {
			c = c[:len(c)-1] // the newline that ends a // comment starts no line
		}
		if got := len(preambleLines(preamble, 1, 1)); got != len(c) {
			t.Fatalf("%d cell lines for %d lines of C %q", got, len(c), preambleText(preamble))
		}
		for i, l := range c {
			if byteColumn(l, 1) != 1 {
				t.Fatalf("line %d: column 1 is byte %d", i, byteColumn(l, 1))
			}
		}
	})
}

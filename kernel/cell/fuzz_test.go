package cell

import (
	"errors"
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
		_ = p.Rewrite(src)
	})
}

package complete

import (
	"go/parser"
	"strings"
	"testing"
)

func TestBlankMagics(t *testing.T) {
	tests := []struct {
		cell    string
		cursor  int
		want    string
		onMagic bool
	}{
		{"%time\nx := 1", 8, "     \nx := 1", false},
		{"%time\nx := 1", 3, "     \nx := 1", true},
		{"  !ls é\nfmt.", 12, "        \nfmt.", false},
		{"x := 5 % 3", 0, "x := 5 % 3", false},
		{"%%", 2, "  ", true},
	}
	for _, tt := range tests {
		got, onMagic := blankMagics(tt.cell, tt.cursor)
		if got != tt.want || onMagic != tt.onMagic {
			t.Errorf("blankMagics(%q, %d) = %q, %v; want %q, %v", tt.cell, tt.cursor, got, onMagic, tt.want, tt.onMagic)
		}
		if len(got) != len(tt.cell) {
			t.Errorf("blankMagics(%q) changed the length", tt.cell)
		}
	}
}

func TestInLiteralOrComment(t *testing.T) {
	tests := []struct {
		marked string
		want   bool
	}{
		{`x := "ab|c"`, true},
		{`x := "abc"|`, false},
		{`x := "abc|`, true}, // unterminated
		{"x := `a\nb|`", true},
		{`x := 'a|'`, true},
		{`x := "a\"|"`, true},
		{`x := "a\\"|`, false},
		{"x := 1 // note|", true},
		{"x := 1 // note\ny|", false},
		{"/* a|b */", true},
		{"/* ab */|", false},
		{"/* ab|", true},
		{"fmt.|", false},
	}
	for _, tt := range tests {
		src, c := at(t, tt.marked)
		if got := inLiteralOrComment(src, c); got != tt.want {
			t.Errorf("inLiteralOrComment(%q) = %v; want %v", tt.marked, got, tt.want)
		}
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		src  string
		want []string // each segment's text, prefixed "D " for declarations and "I " for imports
	}{
		{"x := 1\ny := 2", []string{"x := 1", "y := 2"}},
		{"import \"fmt\"\nfunc f() {\n\tx := 1\n}\nf()", []string{"I import \"fmt\"", "D func f() {\n\tx := 1\n}", "f()"}},
		{"for i := 0; i < 3; i++ {\n\tg(i)\n}\nh()", []string{"for i := 0; i < 3; i++ {\n\tg(i)\n}", "h()"}},
		{"if a {\n} else if v := f(); v {\n}", []string{"if a {\n} else if v := f(); v {\n}"}},
		{"func (p *P) M() {}\nfunc() { go() }()", []string{"D func (p *P) M() {}", "func() { go() }()"}},
		{"func() int { return 1 }()", []string{"func() int { return 1 }()"}},
		{"type T struct{ A int }; var v T; const c = 1", []string{"D type T struct{ A int }", "D var v T", "D const c = 1"}},
		{"func f() {\n\tx.", []string{"D func f() {\n\tx."}},
		{"", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, s := range split(tt.src) {
			text := tt.src[s.start:s.end]
			switch {
			case s.imports:
				text = "I " + text
			case s.decl:
				text = "D " + text
			}
			got = append(got, text)
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("split(%q) = %q; want %q", tt.src, got, tt.want)
		}
	}
}

func TestClosers(t *testing.T) {
	tests := []struct {
		text string // a statement cut before the placeholder
		want string
	}{
		{"fmt.Println(a, ", ")"},
		{"x := ", ""},
		{"for i := range xs {\n\t", "}"},
		{"for i := range ", " {}"},
		{"if v, ok := m[k]; ", " {}"},
		{"switch x {\ncase ", ":}"},
		{"f(g(h[", "]))"},
		{"go func() {\n\tfmt.Println(", ")}()"},
		{"defer func() {\n\tx := ", "}()"},
		{"go f(func() {\n\t", "})"},
		{"xs := []int{1, ", "}"},
		{"if a {\n} else if ", " {}"},
		{"", ""},
	}
	for _, tt := range tests {
		got := closers(tt.text)
		if got != tt.want {
			t.Errorf("closers(%q) = %q; want %q", tt.text, got, tt.want)
		}
		src := "package main\nfunc _() {\n" + tt.text + placeholder + got + "\n}\n"
		if _, err := parser.ParseFile(newFset(), "", src, 0); err != nil {
			t.Errorf("closers(%q): patched text does not parse: %v\n%s", tt.text, err, src)
		}
	}
}

func TestDocStart(t *testing.T) {
	src := "x := 1\n// F does it.\n// Really.\nfunc F() {}\ny := 2 // note\nfunc G() {}"
	f := strings.Index(src, "func F")
	if got := src[docStart(src, f):f]; got != "// F does it.\n// Really.\n" {
		t.Errorf("doc of F = %q", got)
	}
	g := strings.Index(src, "func G")
	if got := docStart(src, g); got != g {
		t.Errorf("doc of G starts at %d; want %d", got, g)
	}
}

func TestCursorSegment(t *testing.T) {
	src := "x := 1\n\ny := f(\n"
	segs := split(src)
	tests := []struct {
		cut   int
		at    int
		inSeg bool
	}{
		{0, 0, true},
		{6, 0, true},  // end of the line: still the first statement
		{7, 1, false}, // the blank line: a new statement before the second
		{13, 1, true},
		{len(src), 1, true}, // the second statement is open to the end
	}
	for _, tt := range tests {
		at, inSeg := cursorSegment(segs, tt.cut)
		if at != tt.at || inSeg != tt.inSeg {
			t.Errorf("cursorSegment(%d) = %d, %v; want %d, %v", tt.cut, at, inSeg, tt.at, tt.inSeg)
		}
	}
}

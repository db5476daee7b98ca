package cell

import (
	"errors"
	"go/token"
	"reflect"
	"strings"
	"testing"
)

// declView is what a test checks of a Decl.
type declView struct {
	Kind token.Token
	Keys []string
	Line int
}

func views(ds []Decl) []declView {
	var out []declView
	for _, d := range ds {
		out = append(out, declView{d.Kind, d.Keys, d.Line})
	}
	return out
}

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		magics   []Magic
		shell    []Shell
		decls    []declView
		body     string // "" with hasBody false
		main     int    // line of func main, 0 if none
		mainArgs string
	}{
		{
			name: "bare statements",
			src:  "x := 3; fmt.Println(x)",
			body: "x := 3; fmt.Println(x)",
		},
		{
			name:  "declarations of every kind",
			src:   "import \"fmt\"\nfunc F() {}\ntype T struct{}\nvar v = 1\nconst c = 2\nfunc (t T) M() {}\nfunc (t *T) N() {}",
			decls: []declView{{token.IMPORT, []string{"fmt"}, 1}, {token.FUNC, []string{"F"}, 2}, {token.TYPE, []string{"T"}, 3}, {token.VAR, []string{"v"}, 4}, {token.CONST, []string{"c"}, 5}, {token.FUNC, []string{"T.M"}, 6}, {token.FUNC, []string{"T.N"}, 7}},
		},
		{
			name:  "import group: one decl per spec, aliases in the key",
			src:   "import (\n\t\"fmt\"\n\tm \"math\"\n\t_ \"embed\"\n\t. \"strings\"\n)",
			decls: []declView{{token.IMPORT, []string{"fmt"}, 2}, {token.IMPORT, []string{"m math"}, 3}, {token.IMPORT, []string{"_ embed"}, 4}, {token.IMPORT, []string{". strings"}, 5}},
		},
		{
			name:  "groups keep all their names",
			src:   "var (\n\ta, b = 1, 2\n)\nconst (\n\tX = iota\n\tY\n)\ntype (\n\tP int\n\tQ string\n)",
			decls: []declView{{token.VAR, []string{"a", "b"}, 1}, {token.CONST, []string{"X", "Y"}, 4}, {token.TYPE, []string{"P", "Q"}, 8}},
		},
		{
			name: "anonymous func called at top level is a statement",
			src:  "func() {\n\tfmt.Println(1)\n}()\nfunc(x int) int { return x }(2)\ngo func() {}()",
			body: "func() {\n\tfmt.Println(1)\n}()\nfunc(x int) int { return x }(2)\ngo func() {}()",
		},
		{
			name:  "generic funcs, types and methods",
			src:   "func Map[T, U any](s []T, f func(T) U) []U { return nil }\ntype List[T any] struct{ v []T }\nfunc (l *List[T]) Push(v T) { l.v = append(l.v, v) }\ntype Pair[K comparable, V any] struct{}\nfunc (p Pair[K, V]) Key() (k K) { return }",
			decls: []declView{{token.FUNC, []string{"Map"}, 1}, {token.TYPE, []string{"List"}, 2}, {token.FUNC, []string{"List.Push"}, 3}, {token.TYPE, []string{"Pair"}, 4}, {token.FUNC, []string{"Pair.Key"}, 5}},
		},
		{
			name: "range over int and labels",
			src:  "outer:\nfor i := range 10 {\n\tfor j := range i {\n\t\tif j > 2 {\n\t\t\tcontinue outer\n\t\t}\n\t}\n}",
			body: "outer:\nfor i := range 10 {\n\tfor j := range i {\n\t\tif j > 2 {\n\t\t\tcontinue outer\n\t\t}\n\t}\n}",
		},
		{
			name: "only comments",
			src:  "// just a note\n/* and\nmore */\n",
		},
		{
			name: "empty",
			src:  "",
		},
		{
			name:  "mixed: statements around declarations keep their lines",
			src:   "x := F(2)\nfunc F(n int) int { return n * 2 }\nfmt.Println(x)",
			decls: []declView{{token.FUNC, []string{"F"}, 2}},
			body:  "x := F(2)\n\nfmt.Println(x)",
		},
		{
			name:  "a declaration and a statement on one line",
			src:   "var v = 1; fmt.Println(v)",
			decls: []declView{{token.VAR, []string{"v"}, 1}},
			body:  "           fmt.Println(v)",
		},
		{
			name:  "doc comments go with the declaration, other comments stay",
			src:   "// note about x\nx := 1\n\n// F doubles.\n// Twice.\nfunc F() {}\n_ = x",
			decls: []declView{{token.FUNC, []string{"F"}, 4}},
			body:  "// note about x\nx := 1\n\n\n\n\n_ = x",
		},
		{
			name:   "line magics and shell lines in order",
			src:    "%goflags -race\n%env K V\n!ls -la\n%args a b\nfmt.Println(1)\n%gomaxprocs 2",
			magics: []Magic{{1, "goflags", "-race"}, {2, "env", "K V"}, {4, "args", "a b"}, {6, "gomaxprocs", "2"}},
			shell:  []Shell{{3, "ls -la"}},
			body:   "\n\n\n\nfmt.Println(1)\n",
		},
		{
			name:   "magic without arguments, indented",
			src:    "  %reset\n%ls",
			magics: []Magic{{1, "reset", ""}, {2, "ls", ""}},
		},
		{
			name: "percent and bang inside a raw string are text",
			src:  "s := `\n%notmagic\n!notshell\n`\nfmt.Print(s)",
			body: "s := `\n%notmagic\n!notshell\n`\nfmt.Print(s)",
		},
		{
			name: "bang continuing an expression is Go",
			src:  "ok := true &&\n!false\n_ = ok",
			body: "ok := true &&\n!false\n_ = ok",
		},
		{
			name: "percent continuing an expression is Go",
			src:  "x := 7 %\n3\n_ = x",
			body: "x := 7 %\n3\n_ = x",
		},
		{
			name:   "%% makes the rest main's body, even var and type",
			src:    "func F() {}\n%%\nvar x = 1\ntype T int\nconst c = 2\nfmt.Println(x, T(c))",
			decls:  []declView{{token.FUNC, []string{"F"}, 1}},
			body:   "\n\nvar x = 1\ntype T int\nconst c = 2\nfmt.Println(x, T(c))",
			magics: nil,
		},
		{
			name:     "%% with arguments",
			src:      "%% -n=3 -v\nfmt.Println(1)",
			body:     "\nfmt.Println(1)",
			mainArgs: "-n=3 -v",
		},
		{
			name: "%main marker",
			src:  "%main\nvar x = 1\n_ = x",
			body: "\nvar x = 1\n_ = x",
		},
		{
			name:   "gonb prefix",
			src:    "//gonb:%goflags -race\n//gonb:%%\nvar x = 1\n_ = x\n//gonb:!echo hi\n//gonb: not a magic",
			magics: []Magic{{1, "goflags", "-race"}},
			shell:  []Shell{{5, "echo hi"}},
			body:   "\n\nvar x = 1\n_ = x\n\n//gonb: not a magic",
		},
		{
			name: "own func main",
			src:  "import \"fmt\"\nfunc helper() int { return 1 }\nfunc main() {\n\tfmt.Println(helper())\n}",
			decls: []declView{
				{token.IMPORT, []string{"fmt"}, 1}, {token.FUNC, []string{"helper"}, 2}},
			main: 3,
		},
		{
			name: "package clause is ignored",
			src:  "package main\n\nfunc main() {}",
			main: 3,
		},
		{
			name:   "CRLF line endings",
			src:    "%env A B\r\nfunc F() {}\r\nx := 1\r\n_ = x\r\n",
			magics: []Magic{{1, "env", "A B"}},
			decls:  []declView{{token.FUNC, []string{"F"}, 2}},
			body:   "\n\nx := 1\n_ = x\n",
		},
		{
			name:  "methods with blank names and init funcs are keyed by text",
			src:   "func init() { a() }\nfunc init() { b() }",
			decls: []declView{{token.FUNC, []string{textKey("init", "func init() { a() }")}, 1}, {token.FUNC, []string{textKey("init", "func init() { b() }")}, 2}},
		},
		{
			name:  "blank var is keyed by text",
			src:   "var _ = x",
			decls: []declView{{token.VAR, []string{textKey("_", "var _ = x")}, 1}},
		},
		{
			name:  "statement inside braces starting with percent is not a magic",
			src:   "m := map[string]int{\n\"a\": 10 %\n3,\n}\n_ = m",
			body:  "m := map[string]int{\n\"a\": 10 %\n3,\n}\n_ = m",
			decls: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(c.Magics, tt.magics) {
				t.Errorf("Magics = %+v, want %+v", c.Magics, tt.magics)
			}
			if !reflect.DeepEqual(c.Shell, tt.shell) {
				t.Errorf("Shell = %+v, want %+v", c.Shell, tt.shell)
			}
			if got := views(c.Decls); !reflect.DeepEqual(got, tt.decls) {
				t.Errorf("Decls = %+v, want %+v", got, tt.decls)
			}
			if c.Body != tt.body || c.HasBody != (tt.body != "") {
				t.Errorf("Body = %q (HasBody %v), want %q", c.Body, c.HasBody, tt.body)
			}
			if c.HasBody && strings.Count(c.Body, "\n") != strings.Count(c.Source, "\n") {
				t.Errorf("Body has %d lines, cell %d", strings.Count(c.Body, "\n"), strings.Count(c.Source, "\n"))
			}
			switch {
			case tt.main == 0 && c.Main != nil:
				t.Errorf("Main = %+v, want none", c.Main)
			case tt.main != 0 && (c.Main == nil || c.Main.Line != tt.main):
				t.Errorf("Main = %+v, want one on line %d", c.Main, tt.main)
			}
			if c.MainArgs != tt.mainArgs {
				t.Errorf("MainArgs = %q, want %q", c.MainArgs, tt.mainArgs)
			}
			if c.CellMagic != nil {
				t.Errorf("CellMagic = %+v, want nil", c.CellMagic)
			}
		})
	}
}

func TestParseDeclSource(t *testing.T) {
	src := "x := 1\n// Double doubles.\nfunc Double(n int) int {\n\treturn 2 * n\n}\nimport m \"math\"\n_ = x"
	c, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		src       string
		line, col int
	}{
		{"// Double doubles.\nfunc Double(n int) int {\n\treturn 2 * n\n}", 2, 1},
		{"import m \"math\"", 6, 1},
	}
	if len(c.Decls) != len(want) {
		t.Fatalf("got %d decls, want %d", len(c.Decls), len(want))
	}
	for i, w := range want {
		d := c.Decls[i]
		if d.Src != w.src || d.Line != w.line || d.Column != w.col {
			t.Errorf("decl %d = %q at %d:%d, want %q at %d:%d", i, d.Src, d.Line, d.Column, w.src, w.line, w.col)
		}
	}
}

func TestParseCellMagic(t *testing.T) {
	tests := []struct {
		src  string
		want *CellMagic
	}{
		{"%%script python3\nprint('hi')\n%notamagic\n", &CellMagic{Line: 1, Name: "script", Args: "python3", Body: "print('hi')\n%notamagic\n"}},
		{"\n  %%bash\necho $HOME", &CellMagic{Line: 2, Name: "bash", Body: "echo $HOME"}},
		{"%%python3", &CellMagic{Line: 1, Name: "python3"}},
		{"%%\nfmt.Println()", nil},
		{"%% -v\nfmt.Println()", nil},
	}
	for _, tt := range tests {
		c, err := Parse(tt.src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.src, err)
		}
		if !reflect.DeepEqual(c.CellMagic, tt.want) {
			t.Errorf("Parse(%q).CellMagic = %+v, want %+v", tt.src, c.CellMagic, tt.want)
		}
		if tt.want != nil && (c.Decls != nil || c.HasBody || c.Magics != nil) {
			t.Errorf("Parse(%q) parsed the body of a cell magic as Go: %+v", tt.src, c)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		line int    // of the first problem
		msg  string // in the first problem
	}{
		{"unclosed brace", "x := 1\nif x > 0 {\n\tfmt.Println(x)\n", 3, "expected '}', found 'EOF'"},
		{"unclosed brace in a declaration", "func F() {\n\treturn\n", 2, "expected '}', found 'EOF'"},
		{"bad statement", "x := 1\ny := := 2\n", 2, "expected"},
		{"bad declaration among statements", "x := 1\nfunc F( {}\n_ = x", 2, "expected"},
		{"extra closing brace", "x := 1\n}\n", 2, "unexpected }"},
		{"statements beside func main", "func main() {}\nx := 1", 2, "statement outside func main"},
		{"two mains", "func main() {}\nfunc main() {}", 2, "func main declared twice"},
		{"func below %%", "%%\nfunc F() {}", 2, "below the %% marker"},
		{"import below %%", "%%\nimport \"fmt\"", 2, "below the %% marker"},
		{"second marker", "%%\nx := 1\n%main\n_ = x", 3, "second %% marker"},
		{"cell magic not first", "x := 1\n%%bash\necho", 2, "must be the first line"},
		{"empty magic", "%\nx := 1", 1, "needs a name"},
		{"empty shell line", "!\n", 1, "needs a command"},
		{"magic inside braces", "if true {\n%notmagic\n}", 2, "expected statement"},
		{"unterminated string", "s := \"abc\nfmt.Println(s)", 1, "string literal not terminated"},
		{"CRLF keeps line numbers", "x := 1\r\n\r\ny := := 2\r\n", 3, "expected"},
		{"bad import path", "import \"\"", 1, "invalid import path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.src)
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse = %+v, %v; want *Error", c, err)
			}
			first := perr.Problems[0]
			if first.Line != tt.line || !strings.Contains(first.Msg, tt.msg) {
				t.Errorf("first problem = line %d: %s; want line %d: ...%s...", first.Line, first.Msg, tt.line, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("Error() = %q, want it to start with \"line \"", err.Error())
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	e := newError([]Problem{{Line: 3, Column: 2, Msg: "b"}, {Line: 1, Column: 1, Msg: "a"}, {Line: 3, Column: 9, Msg: "echo"}})
	if got, want := e.Error(), "line 1: a\nline 3: b"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

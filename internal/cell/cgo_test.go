package cell

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

func TestCNames(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"int twice(int x) { return 2*x; }", []string{"twice"}},
		{"#include <stdlib.h>\n#include \"x.h\"", nil},
		{"static inline int f(void) {\n\tif (1) { return 0; }\n\treturn 1;\n}\nint g(int);", []string{"f", "g"}},
		{"int counter = 0, limits[3] = {1, 2, 3};\nconst char *msg = \"a;b{\";", []string{"counter", "limits", "msg"}},
		{"typedef struct { int x, y; } point;\nstruct node { struct node *next; };", []string{"point", "struct_node"}},
		{"enum color { RED, GREEN = 2, BLUE };", []string{"enum_color", "RED", "GREEN", "BLUE"}},
		{"#define N 10\n#define MAX(a, b) ((a) > (b) ? (a) : (b))\n#define LONG \\\n  1", []string{"N", "MAX", "LONG"}},
		{"int (*handler)(int);\nint (*pick(int n))(int) { return 0; }", []string{"handler", "pick"}},
		{"// int commented(void) { return 0; }\n/* int also(void); */", nil},
		{"unsigned long long big; uint32_t small;", []string{"big", "small"}},
	}
	for _, tt := range tests {
		if got := cNames(tt.src); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("cNames(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

// cgoImport is an `import "C"` of a composed program: the text of its doc
// comment as cgo reads it (the preamble) and its line.
type cgoImport struct {
	preamble string
	line     int
}

// cgoImports parses a composed program as cgo does and returns its cgo
// imports, failing the test where a //line directive is part of a preamble.
func cgoImports(t *testing.T, src []byte) []cgoImport {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "main.go", src, parser.ImportsOnly|parser.ParseComments)
	if err != nil {
		t.Fatalf("composed program does not parse: %v\n%s", err, src)
	}
	var out []cgoImport
	for _, d := range f.Decls {
		d, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, s := range d.Specs {
			is := s.(*ast.ImportSpec)
			if is.Path.Value != `"C"` {
				continue
			}
			if is.Name != nil {
				t.Errorf("import \"C\" renamed to %s:\n%s", is.Name.Name, src)
			}
			doc := is.Doc
			if doc == nil && len(d.Specs) == 1 {
				doc = d.Doc
			}
			ci := cgoImport{line: fset.PositionFor(is.Pos(), false).Line}
			if doc != nil {
				ci.preamble = string(src[fset.Position(doc.Pos()).Offset:fset.Position(doc.End()).Offset])
				if strings.Contains(ci.preamble, "//line") {
					t.Errorf("a //line directive is in the preamble %q:\n%s", ci.preamble, src)
				}
			}
			out = append(out, ci)
		}
	}
	return out
}

func TestComposeCgo(t *testing.T) {
	twice := "/* int twice(int x) { return 2*x; } */"
	thrice := "// #include <stdlib.h>\n// int thrice(int x) { return 3*x; }"
	tests := []struct {
		name      string
		earlier   []string
		cell      string
		preambles []string // of the program's cgo imports, in order
		keys      []string // remembered after the cell
	}{
		{"preamble on the first line", nil, twice + "\nimport \"C\"\nfmt.Println(C.twice(21))",
			[]string{twice}, []string{"C.twice"}},
		{"line comments after statements", nil, "x := 1\n" + thrice + "\nimport \"C\"\nfmt.Println(C.thrice(C.int(x)))",
			[]string{thrice}, []string{"C.thrice"}},
		{"without a preamble, unused", nil, "import \"C\"\nfmt.Println(1)", []string{""}, []string{"C"}},
		{"in an import group", nil, "import (\n\t\"os\"\n\t/*\n\tint four(void) { return 4; }\n\t*/\n\t\"C\"\n)\nfmt.Println(C.four(), os.Args)",
			[]string{"/*\n\tint four(void) { return 4; }\n\t*/"}, []string{"os", "C.four"}},
		{"a group's own doc comment is no preamble", nil, "// not C\nimport (\n\t\"C\"\n\t\"os\"\n)\n_ = os.Args",
			[]string{""}, []string{"C", "os"}},
		{"indented, with a blank line and a %", nil, "\t/*\n#include <stdio.h>\n\n// 100%\nvoid hi(void) { printf(\"%d\\n\", 1); }\n*/\n\timport \"C\"",
			[]string{"/*\n#include <stdio.h>\n\n// 100%\nvoid hi(void) { printf(\"%d\\n\", 1); }\n*/"}, []string{"C.hi"}},
		{"cells add their C functions", []string{twice + "\nimport \"C\""}, thrice + "\nimport \"C\"",
			[]string{twice, thrice}, []string{"C.twice", "C.thrice"}},
		{"an edited function replaces its preamble", []string{twice + "\nimport \"C\"", thrice + "\nimport \"C\""},
			"/* int twice(int x) { return x+x; } */\nimport \"C\"",
			[]string{thrice, "/* int twice(int x) { return x+x; } */"}, []string{"C.thrice", "C.twice"}},
		{"the same includes once", []string{"// #include <stdlib.h>\nimport \"C\""}, "// #include <stdlib.h>\nimport \"C\"",
			[]string{"// #include <stdlib.h>"}, []string{textKey("C", "// #include <stdlib.h>")}},
		{"with Go declarations and a result", []string{"import \"strings\"\nfunc Up(s string) string { return strings.ToUpper(s) }"},
			twice + "\nimport \"C\"\nvar n = 2\nint(C.twice(C.int(n)))", []string{twice}, []string{"strings", "Up", "C.twice", "n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSession()
			run(t, s, tt.earlier...)
			p := compose(t, s, tt.cell, len(tt.earlier)+1)
			var got []string
			for _, ci := range cgoImports(t, p.Source) {
				got = append(got, ci.preamble)
			}
			if !reflect.DeepEqual(got, tt.preambles) {
				t.Errorf("preambles %q, want %q\n%s", got, tt.preambles, p.Source)
			}
			s.Commit(p)
			if got := keysOf(s.Decls()); !reflect.DeepEqual(got, tt.keys) {
				t.Errorf("remembered %q, want %q", got, tt.keys)
			}
			if _, err := parser.ParseFile(token.NewFileSet(), "s.go", s.Source(), 0); err != nil {
				t.Errorf("Source does not parse: %v\n%s", err, s.Source())
			}
		})
	}
}

func TestParseCgoErrors(t *testing.T) {
	for _, src := range []string{"import c \"C\"", "import (\n\t_ \"C\"\n)"} {
		_, err := Parse(src)
		if err == nil || !strings.Contains(err.Error(), `cannot rename import "C"`) {
			t.Errorf("Parse(%q) = %v, want cannot rename", src, err)
		}
	}
}

func TestRemoveCgo(t *testing.T) {
	cells := []string{"/* int twice(int x) { return 2*x; } */\nimport \"C\"", "// int one(void) { return 1; }\n// int two(void) { return 2; }\nimport \"C\"\nfunc F() {}"}
	tests := []struct {
		keys []string
		left []string
	}{
		{[]string{"C.twice"}, []string{"C.one,C.two", "F"}},
		{[]string{"C.two"}, []string{"C.twice", "F"}},
		{[]string{"C"}, []string{"F"}},
	}
	for _, tt := range tests {
		s := newTestSession()
		run(t, s, cells...)
		if _, err := s.Remove(tt.keys...); err != nil {
			t.Fatal(err)
		}
		if got := keysOf(s.Decls()); !reflect.DeepEqual(got, tt.left) {
			t.Errorf("after %%rm %q: %q, want %q", tt.keys, got, tt.left)
		}
	}
}

// needCgo skips a test where programs cannot be built with cgo.
func needCgo(t *testing.T) {
	t.Helper()
	goTool(t)
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no gcc")
	}
}

func TestCgoProgramsRun(t *testing.T) {
	needCgo(t)
	s := newTestSession()
	run(t, s,
		"/* int twice(int x) { return 2*x; } */\nimport \"C\"",
		"/*\n#include <stdlib.h>\n#include <string.h>\n*/\nimport \"C\"\nimport \"unsafe\"\nfunc cLen(s string) int {\n\tcs := C.CString(s)\n\tdefer C.free(unsafe.Pointer(cs))\n\treturn int(C.strlen(cs))\n}",
	)
	p := compose(t, s, "fmt.Println(C.twice(21), cLen(\"four\"))", 3)
	stdout, stderr, ok := runProgram(t, p, nil)
	if !ok || stdout != "42 4\n" {
		t.Errorf("output %q, ok %v, want 42 4; stderr:\n%s\n%s", stdout, ok, stderr, p.Source)
	}
}

func TestRewriteCgoErrors(t *testing.T) {
	needCgo(t)
	tests := []struct {
		name    string
		earlier []string
		cell    string
		want    []string
	}{
		{"C syntax error", nil, "x := 1\n/* int twice(int x) {\n\treturn 2*x\n} */\nimport \"C\"\nfmt.Println(C.twice(C.int(x)))",
			[]string{"line 3:12: error: expected ';'", "In function 'twice'"}},
		{"C error on a comment's first line", nil, "  // #include <stdlib.h>\n  // int bad(void) { return nope; }\n  import \"C\"\n_ = C.bad",
			[]string{"line 2:29: error: 'nope' undeclared", "    2 | "}},
		{"Go error after a preamble", []string{"// int one(void) { return 1; }\nimport \"C\""},
			"/* int two(void) { return 2; } */\nimport \"C\"\nvar s string = C.two()\n_ = s",
			[]string{"line 3:16: cannot use C.two() (value of int32 type C.int)"}},
		{"unknown C name", []string{"/* int one(void) { return 1; } */\nimport \"C\""}, "\n\nfmt.Println(C.one(), C.nope())",
			[]string{"line 3:22: could not determine what C.nope refers to"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSession()
			run(t, s, tt.earlier...)
			p := compose(t, s, tt.cell, len(tt.earlier)+1)
			dir := module(t, p)
			out, ok := goRun(t, dir, "build", "-o", "prog", ".")
			if ok {
				t.Fatalf("build succeeded, want an error\n%s", p.Source)
			}
			// GCC quotes with ‘’ in a UTF-8 locale.
			got := strings.NewReplacer("‘", "'", "’", "'").Replace(p.Rewrite(out))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("rewritten build errors lack %q:\n%s\ncomposed:\n%s", w, got, p.Source)
				}
			}
			checkClean(t, got, dir)
		})
	}
}

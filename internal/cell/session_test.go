package cell

import (
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// testResolver is shared by the tests of this package: indexing GOROOT once
// is enough.
var testResolver = NewResolver(ResolverOptions{})

func newTestSession() *Session { return NewSessionWith(testResolver) }

// run parses, composes and commits cells as executions 1, 2, ... and
// returns the last program.
func run(t *testing.T, s *Session, cells ...string) *Program {
	t.Helper()
	var p *Program
	for i, src := range cells {
		c, err := Parse(src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		p, err = s.Compose(c, i+1)
		if err != nil {
			t.Fatalf("Compose(%q): %v", src, err)
		}
		s.Commit(p)
	}
	return p
}

func compose(t *testing.T, s *Session, src string, id int) *Program {
	t.Helper()
	c, err := Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	p, err := s.Compose(c, id)
	if err != nil {
		t.Fatalf("Compose(%q): %v", src, err)
	}
	return p
}

// importsOf parses a composed program and returns its imports as "path" or
// "name path".
func importsOf(t *testing.T, src []byte) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", src, parser.ImportsOnly)
	if err != nil {
		t.Fatalf("composed program does not parse: %v\n%s", err, src)
	}
	var out []string
	for _, is := range f.Imports {
		p, _ := strconv.Unquote(is.Path.Value)
		if is.Name != nil {
			p = is.Name.Name + " " + p
		}
		out = append(out, p)
	}
	return out
}

func keysOf(ds []Decl) []string {
	var out []string
	for _, d := range ds {
		out = append(out, strings.Join(d.Keys, ","))
	}
	return out
}

func TestComposeImports(t *testing.T) {
	tests := []struct {
		name    string
		earlier []string // committed cells
		cell    string
		want    []string
	}{
		{"standard library by name", nil, "fmt.Println(strings.ToUpper(\"a\"))", []string{"fmt", "strings"}},
		{"math/rand by its selectors", nil, "_ = rand.Intn(3)", []string{"math/rand"}},
		{"math/rand/v2 by its selectors", nil, "_ = rand.IntN(3)", []string{"math/rand/v2"}},
		{"crypto/rand by its selectors", nil, "_ = rand.Reader", []string{"crypto/rand"}},
		{"html/template only has HTML", nil, "var h template.HTML\n_ = h", []string{"html/template"}},
		{"image/draw when it has the names", nil, "_ = draw.Draw", []string{"image/draw"}},
		{"gonum draw otherwise", nil, "_ = draw.Canvas{}", []string{"gonum.org/v1/plot/vg/draw"}},
		{"project packages", nil, "_ = demos.X\n_ = plots.Y\n_ = gonbui.DisplayHTML", []string{"github.com/conclab/conclab/demos", "github.com/conclab/conclab/plots", "github.com/janpfeifer/gonb/gonbui"}},
		{"a typo stays unresolved", nil, "fmtt.Println(1)", nil},
		{"locals are not packages", nil, "strings := []string{}\n_ = strings\nvar fmt struct{ Println int }\n_ = fmt.Println", nil},
		{"remembered names are not packages", []string{"type sync struct{ Mutex int }"}, "var s sync\n_ = s.Mutex", nil},
		{"unused remembered import is dropped", []string{"import \"os\"\nfunc F() {}"}, "fmt.Println(1)", []string{"fmt"}},
		{"unused import of this cell is dropped", nil, "import (\n\"fmt\"\n\"os\"\n)\nfmt.Println(1)", []string{"fmt"}},
		{"used remembered import is kept", []string{"import \"os\""}, "_ = os.Args", []string{"os"}},
		{"alias is kept and used", []string{"import m \"math\""}, "_ = m.Pi", []string{"m math"}},
		{"unused alias is dropped", []string{"import m \"math\""}, "_ = 1", nil},
		{"go:embed gets its blank import", nil, "//go:embed main.go\nvar self string", []string{"_ embed"}},
		{"go:embed with embed.FS", nil, "//go:embed main.go\nvar files embed.FS", []string{"embed"}},
		{"blank import stays", []string{"import _ \"embed\""}, "_ = 1", []string{"_ embed"}},
		{"used dot import stays", []string{"import . \"strings\""}, "_ = ToUpper(\"a\")", []string{". strings"}},
		{"dot import used by a remembered declaration", []string{"import . \"strings\"\nfunc Up() string { return ToUpper(\"a\") }"}, "_ = Up()", []string{". strings"}},
		{"unused dot import is dropped", []string{"import . \"strings\""}, "_ = 1", nil},
		{"dot import of an unknown package stays", []string{"import . \"example.com/dsl\""}, "_ = 1", []string{". example.com/dsl"}},
		{"unknown module import kept blank when unused", []string{"import \"example.com/some/lib\""}, "_ = 1", []string{"_ example.com/some/lib"}},
		{"unknown module import used by its guessed name", []string{"import \"gopkg.in/yaml.v3\""}, "_ = yaml.Marshal", []string{"gopkg.in/yaml.v3"}},
		{"explicit import wins over resolution", []string{"import \"crypto/rand\""}, "_ = rand.Int", []string{"crypto/rand"}},
		{"imports used by remembered declarations", []string{"func Now() string { return time.Now().String() }"}, "fmt.Println(Now())", []string{"fmt", "time"}},
		{"flag is imported for package-level flags", []string{"var n = flag.Int(\"n\", 1, \"count\")"}, "fmt.Println(*n)", []string{"flag", "fmt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSession()
			run(t, s, tt.earlier...)
			p := compose(t, s, tt.cell, len(tt.earlier)+1)
			got := importsOf(t, p.Source)
			gotSet, wantSet := map[string]bool{}, map[string]bool{}
			for _, g := range got {
				gotSet[g] = true
			}
			for _, w := range tt.want {
				wantSet[w] = true
			}
			if !reflect.DeepEqual(gotSet, wantSet) {
				t.Errorf("imports = %q, want %q\n%s", got, tt.want, p.Source)
			}
		})
	}
}

func TestComposeReplaces(t *testing.T) {
	tests := []struct {
		name  string
		cells []string
		keys  []string // remembered after all cells, in order
	}{
		{"redefined func replaces", []string{"func F() int { return 1 }", "func F() int { return 2 }"}, []string{"F"}},
		{"redefinition moves to the end", []string{"func F() {}\nfunc G() {}", "func F() {}"}, []string{"G", "F"}},
		{"a shared key replaces a whole group", []string{"var (\n\ta = 1\n\tb = 2\n)", "var a = 3"}, []string{"a"}},
		{"type replaces func of the same name", []string{"func T() {}", "type T int"}, []string{"T"}},
		{"methods are their own keys", []string{"type T int\nfunc (T) M() {}", "type T string"}, []string{"T.M", "T"}},
		{"re-running a cell does not duplicate init", []string{"func init() {}", "func init() {}"}, []string{textKey("init", "func init() {}")}},
		{"different inits both stay", []string{"func init() { _ = 1 }", "func init() { _ = 2 }"}, []string{textKey("init", "func init() { _ = 1 }"), textKey("init", "func init() { _ = 2 }")}},
		{"import replaced by one of the same name", []string{"import \"math/rand\"", "import \"crypto/rand\""}, []string{"crypto/rand"}},
		{"same path under two names", []string{"import \"math\"", "import m \"math\""}, []string{"math", "m math"}},
		{"func main is not remembered", []string{"func F() {}\nfunc main() { F() }"}, []string{"F"}},
		{"statements are not remembered", []string{"x := 1\n_ = x"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSession()
			run(t, s, tt.cells...)
			if got := keysOf(s.Decls()); !reflect.DeepEqual(got, tt.keys) {
				t.Errorf("remembered %q, want %q", got, tt.keys)
			}
		})
	}
}

func TestComposeUsesOnlyTheNewDefinition(t *testing.T) {
	s := newTestSession()
	run(t, s, "func F() int { return 111 }")
	p := compose(t, s, "func F() int { return 222 }\nfmt.Println(F())", 2)
	if strings.Contains(string(p.Source), "111") || !strings.Contains(string(p.Source), "222") {
		t.Errorf("composed program should hold only the new F:\n%s", p.Source)
	}
}

func TestComposeDoesNotCommit(t *testing.T) {
	s := newTestSession()
	run(t, s, "func F() {}")
	compose(t, s, "func G() {}", 2)
	if got := keysOf(s.Decls()); !reflect.DeepEqual(got, []string{"F"}) {
		t.Errorf("after Compose without Commit: %q, want [F]", got)
	}
}

func TestComposeStableAcrossRuns(t *testing.T) {
	s := newTestSession()
	run(t, s, "func F() int { return 1 }")
	cell := "func G() int { return F() }\nfmt.Println(G())"
	a := compose(t, s, cell, 2)
	s.Commit(a)
	b := compose(t, s, cell, 3)
	if string(a.Source) != string(b.Source) {
		t.Errorf("an unchanged cell run again composed different bytes:\n%s\n----\n%s", a.Source, b.Source)
	}
}

func TestComposeOwnMain(t *testing.T) {
	s := newTestSession()
	run(t, s, "var n = flag.Int(\"n\", 1, \"\")")
	p := compose(t, s, "func main() {\n\tflag.Parse()\n\tfmt.Println(*n)\n}", 2)
	src := string(p.Source)
	if strings.Count(src, "func main()") != 1 || strings.Contains(src, "func main() { flag.Parse()") {
		t.Errorf("the cell's own main should be the only main, untouched:\n%s", src)
	}
	q := compose(t, s, "fmt.Println(*n)", 3)
	if !strings.Contains(string(q.Source), "func main() { flag.Parse()") {
		t.Errorf("generated main should parse package-level flags:\n%s", q.Source)
	}
}

func TestComposeRejects(t *testing.T) {
	s := newTestSession()
	if _, err := s.Compose(nil, 1); err == nil {
		t.Error("Compose(nil) succeeded")
	}
	c, err := Parse("%%bash\necho hi")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Compose(c, 1); err == nil {
		t.Error("Compose of a bash cell magic succeeded")
	}
	if _, err := s.Compose(&Cell{Source: "x := := 1"}, 1); err == nil {
		t.Error("Compose of a hand-made cell with a syntax error succeeded")
	}
}

func TestComposeHandMadeCell(t *testing.T) {
	s := newTestSession()
	p, err := s.Compose(&Cell{Source: "func F() {}\nfmt.Println(1)"}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := importsOf(t, p.Source); !reflect.DeepEqual(got, []string{"fmt"}) {
		t.Errorf("imports = %q, want [fmt]", got)
	}
	s.Commit(p)
	if got := keysOf(s.Decls()); !reflect.DeepEqual(got, []string{"F"}) {
		t.Errorf("remembered %q, want [F]", got)
	}
}

func TestRemove(t *testing.T) {
	cells := []string{"import m \"math\"\nimport \"os\"\nfunc F() {}\nvar (\n\ta = 1\n\tb = 2\n)\ntype T int\nfunc (T) M() {}"}
	tests := []struct {
		name    string
		keys    []string
		removed []string
		left    []string
		err     bool
	}{
		{"a func", []string{"F"}, []string{"F"}, []string{"m math", "os", "a,b", "T", "T.M"}, false},
		{"a group by one name", []string{"b"}, []string{"a", "b"}, []string{"m math", "os", "F", "T", "T.M"}, false},
		{"a method", []string{"T.M"}, []string{"T.M"}, []string{"m math", "os", "F", "a,b", "T"}, false},
		{"imports by key, path and alias", []string{"os", "m"}, []string{"m math", "os"}, []string{"F", "a,b", "T", "T.M"}, false},
		{"import by path", []string{"math"}, []string{"m math"}, []string{"os", "F", "a,b", "T", "T.M"}, false},
		{"unknown key removes nothing", []string{"F", "nope"}, nil, []string{"m math", "os", "F", "a,b", "T", "T.M"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestSession()
			run(t, s, cells...)
			removed, err := s.Remove(tt.keys...)
			if (err != nil) != tt.err {
				t.Fatalf("Remove(%q) error = %v, want error %v", tt.keys, err, tt.err)
			}
			if err != nil && !strings.Contains(err.Error(), "nope") {
				t.Errorf("error %q does not name the unknown key", err)
			}
			if !reflect.DeepEqual(removed, tt.removed) {
				t.Errorf("removed %q, want %q", removed, tt.removed)
			}
			if got := keysOf(s.Decls()); !reflect.DeepEqual(got, tt.left) {
				t.Errorf("left %q, want %q", got, tt.left)
			}
		})
	}
}

func TestResetAndDecls(t *testing.T) {
	s := newTestSession()
	run(t, s, "func F() {}", "type T int")
	ds := s.Decls()
	if len(ds) != 2 || ds[0].Cell != 1 || ds[1].Cell != 2 || ds[0].Line != 1 {
		t.Fatalf("Decls = %+v, want F from cell 1 then T from cell 2", ds)
	}
	ds[0].Keys[0] = "changed"
	if s.Decls()[0].Keys[0] != "F" {
		t.Error("Decls returned the session's own key slice")
	}
	s.Reset()
	if got := s.Decls(); len(got) != 0 {
		t.Errorf("after Reset: %+v", got)
	}
	p := compose(t, s, "fmt.Println(1)", 3)
	if strings.Contains(string(p.Source), "func F") {
		t.Errorf("Reset session still composes old declarations:\n%s", p.Source)
	}
}

func TestSource(t *testing.T) {
	s := newTestSession()
	if _, err := parser.ParseFile(token.NewFileSet(), "s.go", s.Source(), 0); err != nil {
		t.Errorf("empty session Source does not parse: %v", err)
	}
	run(t, s, "import \"os\"\n// F says hi.\nfunc F() { fmt.Println(\"hi\") }", "type T struct{ mu sync.Mutex }\nfunc main() {}")
	src := s.Source()
	f, err := parser.ParseFile(token.NewFileSet(), "s.go", src, parser.ParseComments)
	if err != nil {
		t.Fatalf("Source does not parse: %v\n%s", err, src)
	}
	if strings.Contains(src, "//line") || strings.Contains(src, "func main") {
		t.Errorf("Source should have no directives and no main:\n%s", src)
	}
	got := importsOf(t, []byte(src))
	if !reflect.DeepEqual(got, []string{"fmt", "sync", "os"}) {
		t.Errorf("Source imports %q, want resolved fmt, sync and the explicit os", got)
	}
	var docs []string
	for _, cg := range f.Comments {
		docs = append(docs, cg.Text())
	}
	if !reflect.DeepEqual(docs, []string{"F says hi.\n"}) {
		t.Errorf("doc comments %q, want F's", docs)
	}
}

package complete

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// offline returns a Completer without a go command: it knows the cell, the
// remembered declarations, keywords and builtins, and no package.
func offline() *Completer { return newCompleter(newPackages("", nil, "")) }

// remembered is a kernel memory: imports, a struct type with a method, a
// function and a variable, as earlier cells left them.
const rememberedSrc = `package main

import (
	"fmt"
	"sync"
)

// Point is a position on the plane.
type Point struct {
	X, Y int // coordinates
	mu   sync.Mutex
}

// Norm returns the Manhattan norm of p.
func (p *Point) Norm() int { return p.X + p.Y }

// square returns x times x.
func square(x int) int { return x * x }

var counter = 0

func show() { fmt.Println(counter) }
`

// completeCase is one completion: the cell with | at the cursor, and the
// matches that must be there (in this order, possibly with others between
// them), the exact list when exact is set, and names that must not be there.
type completeCase struct {
	name   string
	marked string
	want   []string
	exact  bool
	absent []string
}

func runCompleteCases(t *testing.T, c *Completer, remembered string, tests []completeCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cell, cursor := at(t, tt.marked)
			res, err := c.Complete(context.Background(), remembered, cell, cursor)
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			if tt.exact {
				if !slices.Equal(res.Matches, tt.want) {
					t.Fatalf("matches = %q; want %q", res.Matches, tt.want)
				}
			} else if !inOrder(res.Matches, tt.want) {
				t.Fatalf("matches = %q; want %q among them in this order", res.Matches, tt.want)
			}
			for _, a := range tt.absent {
				if slices.Contains(res.Matches, a) {
					t.Errorf("matches = %q; %q should not be there", res.Matches, a)
				}
			}
			if len(res.Types) != len(res.Matches) {
				t.Errorf("%d types for %d matches", len(res.Types), len(res.Matches))
			}
			for i, m := range res.Types {
				if m.Text != res.Matches[i] || m.Type == "" {
					t.Errorf("type %d = %+v for match %q", i, m, res.Matches[i])
				}
			}
		})
	}
}

// inOrder reports whether want appears in got in the same order.
func inOrder(got, want []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

func TestCompleteWithoutPackages(t *testing.T) {
	runCompleteCases(t, offline(), rememberedSrc, []completeCase{
		{name: "builtin", marked: "xs = ap|", want: []string{"append"}, exact: true},
		{name: "keyword and builtin", marked: "str|", want: []string{"string", "struct"}},
		{name: "remembered func", marked: "squ|", want: []string{"square"}, exact: true},
		{name: "remembered var", marked: "x := cou|", want: []string{"counter"}, exact: true},
		{name: "remembered struct fields and methods", marked: "p := Point{}\np.|", want: []string{"mu", "Norm", "X", "Y"}, exact: true},
		{name: "through a pointer", marked: "p := &Point{}\np.N|", want: []string{"Norm"}, exact: true},
		{name: "slice element", marked: "ps := []Point{}\nps[0].|", want: []string{"mu", "Norm", "X", "Y"}, exact: true},
		{name: "type assertion", marked: "var v any\nv.(*Point).X|", want: []string{"X"}, exact: true},
		{name: "method expression", marked: "f := (*Point).|", want: []string{"Norm"}, exact: true},
		{name: "local before cursor", marked: "alpha := 1\nal|\nalso := 2", want: []string{"alpha"}, exact: true},
		{name: "locals first", marked: "cap2 := 1\nca|", want: []string{"cap2", "cap", "case"}, exact: true},
		{name: "cell function", marked: "func twice(x int) int { return 2 * x }\ntw|", want: []string{"twice"}, exact: true},
		{name: "cell function declared after cursor", marked: "y := tw|\nfunc twice(x int) int { return 2 * x }", want: []string{"twice"}, exact: true},
		{name: "cell type in remembered order", marked: "type Pair struct{ A, B int }\nvar q Pair\nq.|", want: []string{"A", "B"}, exact: true},
		// The remembered method stays, as the kernel keeps it for the new type.
		{name: "cell redefines remembered type", marked: "type Point struct{ Z int }\nvar q Point\nq.|", want: []string{"Norm", "Z"}, exact: true},
		{name: "inside a function", marked: "func f(items []Point) {\n\tfor i, it := range items {\n\t\tit.|", want: []string{"mu", "Norm", "X", "Y"}, exact: true},
		{name: "parameter", marked: "func f(items []Point) {\n\tite|", want: []string{"items"}, exact: true},
		{name: "if init", marked: "if v := square(2); v > 3 {\n\tv|\n\tvv := 1\n}", want: []string{"v", "var"}, absent: []string{"vv"}},
		{name: "for header", marked: "for idx := 0; idx < 3; idx++ {\n\tid|", want: []string{"idx"}, exact: true},
		{name: "goroutine body", marked: "go func() {\n\tlocal := Point{}\n\tlocal.N|", want: []string{"Norm"}, exact: true},
		{name: "deferred body", marked: "defer func() {\n\tlocal := Point{}\n\tloc|", want: []string{"local"}, exact: true},
		{name: "select case", marked: "ch := make(chan Point)\nselect {\ncase got := <-ch:\n\tgot.|", want: []string{"mu", "Norm", "X", "Y"}, exact: true},
		{name: "case clause", marked: "k := 1\nswitch k {\ncase |", want: []string{"k", "counter", "Point"}},
		{name: "struct field type", marked: "type T struct {\n\tP Poi|\n}", want: []string{"Point"}, exact: true},
		{name: "magic lines ignored", marked: "%time\n%%\nnum := 4\nnu|", want: []string{"num"}, exact: true},
		{name: "case-insensitive after exact case", marked: "p := Point{}\np.n|", want: []string{"Norm"}, exact: true},
		{name: "unicode names", marked: "π := 3.14\nπ|", want: []string{"π"}, exact: true},
		{name: "mid-word", marked: "squ|are(2)", want: []string{"square"}, exact: true},
		{name: "empty prefix has no keywords", marked: "z := 1\nsquare(|)", want: []string{"z", "counter", "Point", "show", "square"}, absent: []string{"func", "for"}},
		{name: "unexported field of other package", marked: "var m sync.Mutex\nm.|", want: nil, exact: true},
		{name: "string has no members", marked: `"abc".|`, want: nil, exact: true},
		{name: "number", marked: "x := 3.|", want: nil, exact: true},
		{name: "in string", marked: `fmt.Println("sq|")`, want: nil, exact: true},
		{name: "in comment", marked: "// sq|", want: nil, exact: true},
		{name: "on magic line", marked: "%env sq|", want: nil, exact: true},
		{name: "import declaration", marked: "import fm|", want: nil, exact: true},
	})
}

func TestCompleteTypes(t *testing.T) {
	const types = `package main

type Base struct{ ID int }

func (Base) Hello() {}

type Derived struct {
	Base
	Name string
}

type Shape interface{ Area() float64 }

type Box[T any] struct{ Val T }

func (b Box[T]) Get() T { return b.Val }
`
	runCompleteCases(t, offline(), types, []completeCase{
		{name: "promoted", marked: "var d Derived\nd.|", want: []string{"Base", "Hello", "ID", "Name"}, exact: true},
		{name: "embedded field", marked: "var d Derived\nd.Base.|", want: []string{"Hello", "ID"}, exact: true},
		{name: "interface", marked: "var s Shape\ns.|", want: []string{"Area"}, exact: true},
		{name: "generic", marked: "b := Box[int]{}\nb.|", want: []string{"Get", "Val"}, exact: true},
		{name: "generic in function", marked: "func f[T any](b Box[T]) {\n\tb.G|", want: []string{"Get"}, exact: true},
	})
	cell, cursor := at(t, "var d Derived\nd.|")
	res, err := offline().Complete(context.Background(), types, cell, cursor)
	if err != nil {
		t.Fatal(err)
	}
	want := []Match{
		{Text: "Base", Type: "field", Signature: "Base"},
		{Text: "Hello", Type: "method", Signature: "func()"},
		{Text: "ID", Type: "field", Signature: "int"},
		{Text: "Name", Type: "field", Signature: "string"},
	}
	if !slices.Equal(res.Types, want) {
		t.Errorf("types = %+v; want %+v", res.Types, want)
	}
}

func TestCompleteSpan(t *testing.T) {
	c := offline()
	tests := []struct {
		marked     string
		start, end int
	}{
		{"squ|", 0, 3},
		{"x := squ|are(2)", 5, 11},
		{"é := 1\né|", 7, 8},
		{"p := Point{}\np.|", 15, 15},
		{"p := Point{}\np.No|", 15, 17},
	}
	for _, tt := range tests {
		cell, cursor := at(t, tt.marked)
		res, err := c.Complete(context.Background(), rememberedSrc, cell, cursor)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Matches) == 0 || res.Start != tt.start || res.End != tt.end {
			t.Errorf("%q: %q [%d, %d); want span [%d, %d)", tt.marked, res.Matches, res.Start, res.End, tt.start, tt.end)
		}
	}
}

func TestCompleteBadInput(t *testing.T) {
	c := offline()
	tests := []struct {
		name       string
		remembered string
		cell       string
		cursor     int
	}{
		{"negative cursor", "", "fmt.Pr", -1},
		{"cursor past the end", "", "fmt.Pr", 7},
		{"invalid UTF-8", "", "x := \xff\xfe\nx", 9},
		{"garbage", "", "}}}(((]]]{{{", 6},
		{"garbage remembered", "\x00\x01 package func {", "ap", 2},
		{"remembered without package clause", "func f() {}", "}", 1},
		{"unbalanced", "", "func f() { if x { for {", 24},
		{"only magic", "", "%%\n!ls", 3},
		{"empty", "", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := c.Complete(context.Background(), tt.remembered, tt.cell, tt.cursor)
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			if n := len([]rune(tt.cell)); len(res.Matches) > 0 && (res.Start < 0 || res.Start > res.End || res.End > n) {
				t.Errorf("span [%d, %d) outside the cell of %d code points", res.Start, res.End, n)
			}
			if _, _, err := c.Inspect(context.Background(), tt.remembered, tt.cell, tt.cursor, 1); err != nil {
				t.Errorf("Inspect: %v", err)
			}
		})
	}
}

// withModule returns a Completer over the test module, shared by the tests
// that load packages so that each package is loaded once.
var withModule = sync.OnceValue(func() *Completer { return New(moduleDir, moduleEnv) })

func TestCompletePackages(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	runCompleteCases(t, withModule(), rememberedSrc, []completeCase{
		{name: "imported package", marked: "fmt.Pr|", want: []string{"Print", "Printf", "Println"}, exact: true},
		{name: "package the cell does not import", marked: "strings.Rep|", want: []string{"Repeat", "Replace", "ReplaceAll", "Replacer"}, exact: true},
		{name: "package names", marked: "str|", want: []string{"string", "struct", "strconv", "strings"}},
		{name: "mutex", marked: "var mu sync.Mutex\nmu.L|", want: []string{"Lock"}, exact: true},
		{name: "wait group", marked: "var wg sync.WaitGroup\nwg.|", want: []string{"Add", "Done", "Go", "Wait"}, exact: true},
		{name: "wait group in goroutine", marked: "var wg sync.WaitGroup\nfor i := range 3 {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.D|", want: []string{"Done"}, exact: true},
		{name: "type in declaration", marked: "var wg sync.Wa|", want: []string{"WaitGroup"}, exact: true},
		{name: "call result", marked: "start := time.Now()\nelapsed := time.Since(start)\nelapsed.Mi|", want: []string{"Microseconds", "Milliseconds", "Minutes"}, exact: true},
		{name: "method chain", marked: "time.Now().UTC().Unix|", want: []string{"Unix", "UnixMicro", "UnixMilli", "UnixNano"}, exact: true},
		{name: "cell import with alias", marked: "import str \"strings\"\nstr.ToU|", want: []string{"ToUpper", "ToUpperSpecial"}, exact: true},
		{name: "cell import after cursor", marked: "b := bytes.NewBuf|\nimport \"bytes\"", want: []string{"NewBuffer", "NewBufferString"}, exact: true},
		{name: "remembered import", marked: "fmt.Sprintl|", want: []string{"Sprintln"}, exact: true},
		{name: "project package", marked: "demos.Rec|", want: []string{"Recording"}},
		{name: "project type fields", marked: "var r demos.Recording\nr.Ti|", want: []string{"Title"}, exact: true},
		{name: "gonbui", marked: "gonbui.DisplayMark|", want: []string{"DisplayMarkdown"}, exact: true},
		{name: "gonum plot", marked: "p := plot.New()\np.Ti|", want: []string{"Title"}, exact: true},
		{name: "variable shadows package", marked: "strings := []string{}\nstrings.|", want: nil, exact: true},
		{name: "declaration shadows known package", marked: "type box struct{ Size int }\nvar demos box\ndemos.|", want: []string{"Size"}, exact: true},
		{name: "unknown package", marked: "nosuchpkg.F|", want: nil, exact: true},
	})
}

func TestCompleteBrokenPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	// A package with a type error has no export data; its names still come
	// from its source.
	dir := filepath.Join(moduleDir, "broken")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "package broken\n\n// Answer returns the answer.\nfunc Answer() int { return \"forty-two\" }\n\n// Widget is a thing.\ntype Widget struct{ Size int }\n"
	if err := os.WriteFile(filepath.Join(dir, "broken.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	c := New(moduleDir, moduleEnv)
	runCompleteCases(t, c, "", []completeCase{
		{name: "members", marked: "import \"conclab.cell/broken\"\nbroken.|", want: []string{"Answer", "Widget"}, exact: true},
		{name: "fields", marked: "import \"conclab.cell/broken\"\nvar w broken.Widget\nw.|", want: []string{"Size"}, exact: true},
	})
	cell, cursor := at(t, "import \"conclab.cell/broken\"\nbroken.Answer(|")
	doc, found, err := c.Inspect(context.Background(), "", cell, cursor, 0)
	if err != nil || !found || !strings.HasPrefix(doc.Text, "func Answer() int\n\nAnswer returns the answer.") {
		t.Errorf("Inspect = %q, %v, %v", doc.Text, found, err)
	}
}

func TestCompleteHonorsContext(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	c := New(moduleDir, moduleEnv)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cell, cursor := at(t, "fmt.Pr|")
	res, err := c.Complete(ctx, "", cell, cursor)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Complete with a cancelled context: %q, %v; want context.Canceled", res.Matches, err)
	}
	// A request waiting for another gives up when its context ends.
	c.sem <- struct{}{}
	ctx, cancel = context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := c.Inspect(ctx, "", cell, cursor, 0)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Inspect while busy: %v; want context.Canceled", err)
	}
	<-c.sem
	// The Completer still works afterwards.
	res, err = c.Complete(context.Background(), "", cell, cursor)
	if err != nil || !slices.Equal(res.Matches, []string{"Print", "Printf", "Println"}) {
		t.Errorf("Complete after cancellations = %q, %v", res.Matches, err)
	}
}

func TestCompleteConcurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	c := New(moduleDir, moduleEnv)
	cells := []struct {
		marked string
		want   []string
	}{
		{"var wg sync.WaitGroup\nwg.|", []string{"Add", "Done", "Go", "Wait"}},
		{"fmt.Pr|", []string{"Print", "Printf", "Println"}},
		{"p := Point{}\np.|", []string{"mu", "Norm", "X", "Y"}},
	}
	var wg sync.WaitGroup
	errs := make(chan string, 3*len(cells))
	for range 3 {
		for _, cl := range cells {
			cell, cursor := at(t, cl.marked)
			wg.Go(func() {
				res, err := c.Complete(context.Background(), rememberedSrc, cell, cursor)
				if err != nil || !slices.Equal(res.Matches, cl.want) {
					errs <- fmt.Sprintf("%q: %q, %v; want %q", cl.marked, res.Matches, err, cl.want)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

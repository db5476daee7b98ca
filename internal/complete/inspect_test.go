package complete

import (
	"context"
	"strings"
	"testing"
)

func TestInspect(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	tests := []struct {
		name   string
		marked string
		detail int
		prefix string   // the plain text starts with this
		has    []string // and contains these
		lacks  []string // but not these
	}{
		{name: "call", marked: "fmt.Println(|", prefix: "func Println(a ...any) (n int, err error)\n\nPrintln formats using the default formats"},
		{name: "doc magic form", marked: "fmt.Println|", prefix: "func Println(a ...any) (n int, err error)\n\n"},
		{name: "inside arguments", marked: "fmt.Printf(\"%d\", |", prefix: "func Printf(format string, a ...any) (n int, err error)"},
		{name: "remembered func", marked: "square(|", prefix: "func square(x int) int\n\nsquare returns x times x."},
		{name: "remembered func source", marked: "squ|are", detail: 1, prefix: "func square(x int) int\n\nsquare returns x times x.", has: []string{"func square(x int) int { return x * x }"}},
		{name: "remembered method", marked: "p := Point{}\np.Norm(|", prefix: "func (p *Point) Norm() int\n\nNorm returns the Manhattan norm of p."},
		{name: "remembered type", marked: "var q Po|int", prefix: "type Point struct {\n\tX int\n\tY int\n\tmu sync.Mutex\n}\n\nfunc (p *Point) Norm() int\n\nPoint is a position on the plane."},
		{name: "field with line comment", marked: "p := Point{}\np.X|", prefix: "field X int\n\ncoordinates"},
		{name: "cell func", marked: "// twice doubles x.\nfunc twice(x int) int { return 2 * x }\ntwice(|", prefix: "func twice(x int) int\n\ntwice doubles x."},
		{name: "local", marked: "answer := 42\nansw|er", prefix: "var answer int", lacks: []string{"\n"}},
		{name: "builtin func", marked: "ap|pend", prefix: "func append(slice []Type, elems ...Type) []Type\n\nThe append built-in function"},
		{name: "builtin type", marked: "var s strin|g", prefix: "type string string\n\n"},
		{name: "package", marked: "sync|", prefix: "package sync // import \"sync\"\n\nPackage sync provides", lacks: []string{"type WaitGroup"}},
		{name: "package members", marked: "sync|", detail: 1, prefix: "package sync // import \"sync\"", has: []string{"\ntype WaitGroup struct", "\nfunc NewCond(l Locker) *Cond\n"}},
		{name: "std method", marked: "var wg sync.WaitGroup\nwg.Wait(|", prefix: "func (wg *WaitGroup) Wait()\n\nWait blocks until"},
		{name: "std type", marked: "sync.WaitGroup|", prefix: "type WaitGroup struct {\n\t// Has unexported fields.\n}\n", has: []string{"\nfunc (wg *WaitGroup) Go(f func())\n"}},
		{name: "std constant", marked: "time.Second|", prefix: "const Second Duration = 1000000000\n\nCommon durations."},
		{name: "untyped constant", marked: "math.Pi|", prefix: "const Pi = 3.14159"},
		{name: "project type", marked: "var r demos.Recor|ding", prefix: "type Recording struct {\n", has: []string{"\tTitle string\n", "Recording is"}},
	}
	c := withModule()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cell, cursor := at(t, tt.marked)
			doc, found, err := c.Inspect(context.Background(), rememberedSrc, cell, cursor, tt.detail)
			if err != nil || !found {
				t.Fatalf("Inspect = %v, %v", found, err)
			}
			if !strings.HasPrefix(doc.Text, tt.prefix) {
				t.Errorf("text:\n%s\nwant it to start with:\n%s", doc.Text, tt.prefix)
			}
			for _, h := range tt.has {
				if !strings.Contains(doc.Text, h) {
					t.Errorf("text:\n%s\nwant it to contain %q", doc.Text, h)
				}
			}
			for _, l := range tt.lacks {
				if strings.Contains(doc.Text, l) {
					t.Errorf("text:\n%s\nwant it not to contain %q", doc.Text, l)
				}
			}
			decl, _, _ := strings.Cut(tt.prefix, "\n\n")
			if !strings.HasPrefix(doc.Markdown, "```go\n"+decl) {
				t.Errorf("markdown:\n%s\nwant it to start with the declaration", doc.Markdown)
			}
		})
	}
}

func TestInspectMarkdownLinks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	cell, cursor := at(t, "var wg sync.WaitGroup\nwg.Add|(1)")
	doc, found, err := withModule().Inspect(context.Background(), "", cell, cursor, 0)
	if err != nil || !found {
		t.Fatalf("Inspect = %v, %v", found, err)
	}
	if !strings.Contains(doc.Markdown, "[WaitGroup.Wait](https://pkg.go.dev/sync#WaitGroup.Wait)") {
		t.Errorf("markdown has no link for [WaitGroup.Wait]:\n%s", doc.Markdown)
	}
	if !strings.Contains(doc.Text, "[WaitGroup.Wait]") {
		t.Errorf("text lost the doc link's name:\n%s", doc.Text)
	}
}

func TestInspectNotFound(t *testing.T) {
	c := offline()
	for _, marked := range []string{
		"for| {",
		"nosuchname|",
		`x := "squ|are"`,
		"x := (|",
		"%time squ|are",
		"p := Point{}\np.Nothing|",
		"|",
	} {
		cell, cursor := at(t, marked)
		doc, found, err := c.Inspect(context.Background(), rememberedSrc, cell, cursor, 0)
		if err != nil || found || doc != (Doc{}) {
			t.Errorf("%q: Inspect = %q, %v, %v; want nothing", marked, doc.Text, found, err)
		}
	}
}

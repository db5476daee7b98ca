package complete

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkComplete measures completions once the packages are loaded, the
// case a user meets on every Tab after the first.
func BenchmarkComplete(b *testing.B) {
	c := New(moduleDir, moduleEnv)
	cases := []struct{ name, marked string }{
		{"package member", "fmt.Pr|"},
		{"method of a variable", "var wg sync.WaitGroup\nfor i := range 4 {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.|"},
		{"names in scope", "total := 0\nfor _, p := range []Point{} {\n\ttotal += p.Norm()\n}\nto|"},
		{"project type", "var r demos.Recording\nr.|"},
	}
	ctx := context.Background()
	for _, bc := range cases {
		cell, cursor := at(b, bc.marked)
		if _, err := c.Complete(ctx, rememberedSrc, cell, cursor); err != nil { // loads the packages
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := c.Complete(ctx, rememberedSrc, cell, cursor); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCompleteLongNotebook measures a completion when earlier cells
// left many declarations: all of them are type-checked on every request.
func BenchmarkCompleteLongNotebook(b *testing.B) {
	var rem strings.Builder
	rem.WriteString("package main\n\nimport (\n\t\"fmt\"\n\t\"sync\"\n)\n")
	for i := range 300 {
		fmt.Fprintf(&rem, "\n// Stage%d is stage %d.\ntype Stage%d struct {\n\tmu sync.Mutex\n\tN  int\n}\n", i, i, i)
		fmt.Fprintf(&rem, "\nfunc (s *Stage%d) Run(in <-chan int) int {\n\ts.mu.Lock()\n\tdefer s.mu.Unlock()\n\tfor v := range in {\n\t\ts.N += v\n\t}\n\tfmt.Println(s.N)\n\treturn s.N\n}\n", i)
	}
	c := New(moduleDir, moduleEnv)
	cell, cursor := at(b, "st := Stage150{}\nst.R|")
	ctx := context.Background()
	if res, err := c.Complete(ctx, rem.String(), cell, cursor); err != nil || len(res.Matches) != 1 {
		b.Fatalf("Complete = %q, %v", res.Matches, err)
	}
	for b.Loop() {
		if _, err := c.Complete(ctx, rem.String(), cell, cursor); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInspect measures Shift-Tab on a loaded package, doc comments
// included.
func BenchmarkInspect(b *testing.B) {
	c := New(moduleDir, moduleEnv)
	cell, cursor := at(b, "var mu sync.Mutex\nmu.Lock(|")
	ctx := context.Background()
	if _, _, err := c.Inspect(ctx, rememberedSrc, cell, cursor, 0); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := c.Inspect(ctx, rememberedSrc, cell, cursor, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstComplete measures a first completion on a new Completer:
// listing the standard library and loading export data with the go command
// (from a warm build cache).
func BenchmarkFirstComplete(b *testing.B) {
	cell, cursor := at(b, "var wg sync.WaitGroup\nwg.|")
	ctx := context.Background()
	for b.Loop() {
		if _, err := New(moduleDir, moduleEnv).Complete(ctx, "", cell, cursor); err != nil {
			b.Fatal(err)
		}
	}
}

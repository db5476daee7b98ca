package cell

import (
	"maps"
	"os"
	"path/filepath"
	"testing"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name string
		sels []string
		want string // "" for unresolved
	}{
		{"fmt", []string{"Println"}, "fmt"},
		{"rand", []string{"Intn"}, "math/rand"},
		{"rand", []string{"IntN", "Shuffle"}, "math/rand/v2"},
		{"rand", []string{"Float64"}, "math/rand/v2"},
		{"rand", []string{"Reader"}, "crypto/rand"},
		{"rand", []string{"Seed", "Intn"}, "math/rand"},
		{"template", []string{"Must", "New"}, "text/template"},
		{"template", []string{"HTMLEscaper", "HTML"}, "html/template"},
		{"json", []string{"Marshal"}, "encoding/json"},
		{"atomic", []string{"Int64"}, "sync/atomic"},
		{"pprof", []string{"StartCPUProfile"}, "runtime/pprof"},
		{"pprof", []string{"Index"}, "net/http/pprof"},
		{"draw", []string{"Draw", "Over"}, "image/draw"},
		{"draw", []string{"Canvas"}, "gonum.org/v1/plot/vg/draw"},
		{"plotter", []string{"NewLine"}, "gonum.org/v1/plot/plotter"},
		{"demos", []string{"Anything"}, "github.com/conclab/conclab/demos"},
		{"plots", []string{"Anything"}, "github.com/conclab/conclab/plots"},
		{"gonbui", []string{"DisplayHTML"}, "github.com/janpfeifer/gonb/gonbui"},
		{"fmtt", []string{"Println"}, ""},
		{"unsafe", []string{"Pointer"}, "unsafe"},
		{"synctest", []string{"Test"}, "testing/synctest"},
		{"builtin", []string{"Type"}, ""},
		{"execabs", []string{"Command"}, ""},
	}
	for _, tt := range tests {
		got, ok := testResolver.Resolve(tt.name, tt.sels)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Resolve(%q, %q) = %q, %v; want %q", tt.name, tt.sels, got, ok, tt.want)
		}
	}
}

func TestResolverOptions(t *testing.T) {
	pkgs := map[string]string{"lab": "example.com/lab"}
	r := NewResolver(ResolverOptions{Packages: pkgs})
	pkgs["other"] = "example.com/other" // the resolver keeps its own copy
	if got, _ := r.Resolve("lab", []string{"X"}); got != "example.com/lab" {
		t.Errorf("configured package: %q", got)
	}
	if got, ok := r.Resolve("other", []string{"X"}); ok {
		t.Errorf("package added after NewResolver resolved to %q", got)
	}
	if got, ok := r.Resolve("demos", []string{"X"}); ok {
		t.Errorf("default package resolved to %q with a custom table", got)
	}
	if !r.Known("example.com/lab") || !r.Known("net/http") || r.Known("example.com/other") {
		t.Error("Known is wrong")
	}
}

// TestResolverIndex runs a Resolver on a made-up GOROOT: what it indexes,
// what it skips, and how exports decide between packages of one name.
func TestResolverIndex(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"fmt/print.go":         "package fmt\nfunc Println() {}",
		"a/rand/r.go":          "package rand\nfunc A() {}\nfunc Both() {}",
		"b/rand/r.go":          "package rand\nfunc B() {}\nfunc Both() {}\ntype T int\nfunc (T) Method() {}",
		"b/rand/r_test.go":     "package rand\nfunc OnlyInTest() {}",
		"c/rand/other.go":      "//go:build neverbuilt\n\npackage rand\nfunc C() {}",
		"internal/hidden/h.go": "package hidden",
		"cmd/tool/t.go":        "package main",
		"x/vendor/dep/d.go":    "package dep",
		"x/testdata/td/td.go":  "package td",
		"onlytests/o_test.go":  "package onlytests",
		"lib/v2/l.go":          "package lib\nfunc V2() {}",
	}
	for name, text := range files {
		p := filepath.Join(root, "src", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := NewResolver(ResolverOptions{GOROOT: root, Packages: map[string]string{}})
	if err := r.Warm(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		sels []string
		want string
	}{
		{"fmt", []string{"Println"}, "fmt"},
		{"rand", []string{"A"}, "a/rand"},
		{"rand", []string{"B"}, "b/rand"},
		{"rand", []string{"Both"}, "a/rand"},       // same exports: shorter, then alphabetical
		{"rand", []string{"T"}, "b/rand"},          // types count
		{"rand", []string{"Method"}, "a/rand"},     // methods do not: fall back to the first
		{"rand", []string{"OnlyInTest"}, "a/rand"}, // tests do not
		{"rand", []string{"C"}, "a/rand"},          // c/rand does not build here
		{"lib", []string{"V2"}, "lib/v2"},
		{"hidden", []string{"X"}, ""},
		{"tool", []string{"X"}, ""},
		{"dep", []string{"X"}, ""},
		{"td", []string{"X"}, ""},
		{"onlytests", []string{"X"}, ""},
	}
	for _, tt := range tests {
		if got, _ := r.Resolve(tt.name, tt.sels); got != tt.want {
			t.Errorf("Resolve(%q, %q) = %q, want %q", tt.name, tt.sels, got, tt.want)
		}
	}
	if !r.Known("b/rand") || r.Known("internal/hidden") {
		t.Error("Known disagrees with the index")
	}
}

func TestDefaultPackagesFresh(t *testing.T) {
	a := DefaultPackages()
	a["demos"] = "changed"
	if b := DefaultPackages(); b["demos"] == "changed" || maps.Equal(a, b) {
		t.Error("DefaultPackages shares its map")
	}
}

func TestAssumedName(t *testing.T) {
	tests := map[string]string{
		"fmt":                        "fmt",
		"math/rand/v2":               "rand",
		"gopkg.in/yaml.v3":           "yaml",
		"github.com/mattn/go-isatty": "isatty",
		"github.com/x/y/v10":         "y",
		"example.com/v1":             "v1",
		"example.com/lib-core":       "lib",
		"v2":                         "v2",
	}
	for path, want := range tests {
		if got := assumedName(path); got != want {
			t.Errorf("assumedName(%q) = %q, want %q", path, got, want)
		}
	}
}

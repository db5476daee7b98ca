package complete

import (
	"context"
	"go/token"
	"slices"
	"testing"
)

func TestQualifiers(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"fmt.Println(strings.ToUpper(s))", []string{"fmt", "strings"}},
		{"a.b.c(); a.d", []string{"a"}},
		{"x := y\nz()", nil},
		{`s := "fmt.Println"`, nil},
		{"time.Now().UTC()", []string{"time"}},
	}
	for _, tt := range tests {
		if got := qualifiers(tt.src); !slices.Equal(got, tt.want) {
			t.Errorf("qualifiers(%q) = %q; want %q", tt.src, got, tt.want)
		}
	}
}

func TestPathName(t *testing.T) {
	tests := []struct{ path, want string }{
		{"fmt", "fmt"},
		{"math/rand/v2", "rand"},
		{"gonum.org/v1/plot", "plot"},
		{"gopkg.in/yaml.v3", "yaml"},
		{"github.com/janpfeifer/gonb/gonbui", "gonbui"},
	}
	for _, tt := range tests {
		if got := pathName(tt.path); got != tt.want {
			t.Errorf("pathName(%q) = %q; want %q", tt.path, got, tt.want)
		}
	}
}

func TestPreferPath(t *testing.T) {
	tests := []struct {
		name, path, old string
		want            bool
	}{
		{"rand", "math/rand", "crypto/rand", true},
		{"rand", "crypto/rand", "math/rand", false},
		{"rand", "math/rand/v2", "math/rand", false},
		{"pprof", "runtime/pprof", "net/http/pprof", true},
		{"x", "a/x", "bb/x", true},
		{"x", "b/x", "a/x", false},
	}
	for _, tt := range tests {
		if got := preferPath(tt.name, tt.path, tt.old); got != tt.want {
			t.Errorf("preferPath(%q, %q, %q) = %v; want %v", tt.name, tt.path, tt.old, got, tt.want)
		}
	}
}

func TestListable(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"fmt", true},
		{"github.com/conclab/conclab/demos", true},
		{"all", false},
		{"std", false},
		{"./x", false},
		{"net/...", false},
		{"-x", false},
		{"/abs", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := listable(tt.path); got != tt.want {
			t.Errorf("listable(%q) = %v; want %v", tt.path, got, tt.want)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		toks          []token.Token
		decl, imports bool
	}{
		{[]token.Token{token.IMPORT, token.STRING}, true, true},
		{[]token.Token{token.FUNC, token.IDENT, token.LPAREN}, true, false},
		{[]token.Token{token.FUNC, token.LPAREN, token.IDENT, token.MUL, token.IDENT, token.RPAREN, token.IDENT, token.LPAREN}, true, false},
		{[]token.Token{token.FUNC, token.LPAREN, token.RPAREN, token.IDENT, token.LBRACE}, false, false},
		{[]token.Token{token.FUNC, token.LPAREN, token.RPAREN, token.LBRACE}, false, false},
		{[]token.Token{token.VAR, token.IDENT}, true, false},
		{[]token.Token{token.IDENT, token.DEFINE}, false, false},
		{nil, false, false},
	}
	for _, tt := range tests {
		decl, imports := classify(tt.toks)
		if decl != tt.decl || imports != tt.imports {
			t.Errorf("classify(%v) = %v, %v; want %v, %v", tt.toks, decl, imports, tt.decl, tt.imports)
		}
	}
}

func TestRememberedWithoutImports(t *testing.T) {
	// A remembered variable of a package type resolves even if the
	// remembered file lacks the import.
	if testing.Short() {
		t.Skip("runs the go command")
	}
	c := New(moduleDir, moduleEnv)
	cell, cursor := at(t, "mu.Tr|")
	res, err := c.Complete(context.Background(), "package main\n\nvar mu sync.Mutex\n", cell, cursor)
	if err != nil || !slices.Equal(res.Matches, []string{"TryLock"}) {
		t.Errorf("Complete = %q, %v; want [TryLock]", res.Matches, err)
	}
}

func TestWarm(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command")
	}
	c := New(moduleDir, moduleEnv)
	if err := c.Warm(context.Background(), "fmt", "github.com/conclab/conclab/demos"); err != nil {
		t.Fatalf("Warm: %v", err)
	}
	for _, p := range []string{"fmt", "github.com/conclab/conclab/demos", "io"} {
		if c.pk.listed[p] == nil {
			t.Errorf("%s not loaded by Warm", p)
		}
	}
	if c.pk.known(context.Background())["strconv"] != "strconv" {
		t.Errorf("standard library names not listed by Warm")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := New(moduleDir, moduleEnv).Warm(ctx, "os"); err == nil {
		t.Errorf("Warm with a cancelled context succeeded")
	}
}

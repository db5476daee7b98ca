package main

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/conclab/conclab/internal/live/worker"
)

// The kernel checks live cells against the generated list; the worker loads
// the symbol tables. They must name the same packages.
func TestGeneratedListIsCurrent(t *testing.T) {
	pkgs := worker.Packages()
	generics, err := genericNames(pkgs)
	if err != nil {
		t.Fatal(err)
	}
	want, err := generate(pkgs, generics)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../liveproto/packages_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("internal/live/internal/liveproto/packages_gen.go is stale: run make generate")
	}
}

func TestGenerateIncludesProjectAndStd(t *testing.T) {
	pkgs := map[string]string{"fmt": "fmt", "sync": "sync", "github.com/conclab/conclab/plots": "plots"}
	generics, err := genericNames(pkgs)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(generics["sync"], "OnceValue") || len(generics["fmt"]) != 0 {
		t.Errorf("generic names: %q", generics)
	}
	src, err := generate(pkgs, generics)
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(src)), " ") // gofmt aligns the values
	for _, line := range []string{`"fmt": "fmt",`, `"github.com/conclab/conclab/plots": "plots",`, `"sync": {"OnceValue", "OnceValues"},`} {
		if !strings.Contains(flat, line) {
			t.Errorf("generated source lacks %s:\n%s", line, src)
		}
	}
	if !bytes.HasPrefix(src, []byte("// Code generated ")) || !bytes.Contains(src, []byte("DO NOT EDIT.")) {
		t.Errorf("generated source lacks the generated-code header:\n%s", src)
	}
}

package complete_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/conclab/conclab/internal/complete"
)

// cellModule makes a module for the examples. In the kernel it is the
// compiled engine's workspace, whose go.mod also resolves the project's
// packages; the standard library needs nothing more than this.
func cellModule() (string, error) {
	dir, err := os.MkdirTemp("", "cells-")
	if err != nil {
		return "", err
	}
	return dir, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module cells\n\ngo 1.26\n"), 0o600)
}

func ExampleCompleter_Complete() {
	dir, err := cellModule()
	defer os.RemoveAll(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := complete.New(dir, nil)

	// The cell need not import sync: the kernel adds the import.
	cell := "var wg sync.WaitGroup\nwg."
	res, err := c.Complete(context.Background(), "", cell, len([]rune(cell)))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Matches, res.Start, res.End)

	// Earlier cells' declarations are known too.
	remembered := "package main\n\ntype Job struct {\n\tID   int\n\tName string\n}\n"
	cell = "j := Job{}\nj.N"
	res, err = c.Complete(context.Background(), remembered, cell, len([]rune(cell)))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range res.Types {
		fmt.Println(m.Text, m.Type, m.Signature)
	}
	// Output:
	// [Add Done Go Wait] 25 25
	// Name field string
}

func ExampleCompleter_Inspect() {
	dir, err := cellModule()
	defer os.RemoveAll(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := complete.New(dir, nil)
	cell := `fmt.Println("hello", `
	doc, found, err := c.Inspect(context.Background(), "", cell, len([]rune(cell)), 0)
	if err != nil || !found {
		fmt.Println(found, err)
		return
	}
	decl, _, _ := strings.Cut(doc.Text, "\n")
	fmt.Println(decl)
	// Output:
	// func Println(a ...any) (n int, err error)
}

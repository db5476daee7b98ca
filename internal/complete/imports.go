package complete

import (
	"context"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strconv"
	"strings"
)

// importedPaths returns the paths of an import declaration's text.
func importedPaths(decl string) []string {
	f, _ := parser.ParseFile(token.NewFileSet(), "", "package p\n"+decl, parser.ImportsOnly|parser.SkipObjectResolution)
	if f == nil {
		return nil
	}
	var paths []string
	for _, is := range f.Imports {
		if p, err := strconv.Unquote(is.Path.Value); err == nil {
			paths = append(paths, p)
		}
	}
	return paths
}

// autoImports returns the imports to add, as the kernel does when it builds
// a cell: known packages whose names the cell or the remembered declarations
// use before a dot (or that are in extra) and that the file neither imports
// nor declares.
func (c *Completer) autoImports(ctx context.Context, f *ast.File, q *query, rem *remembered, extra []string) []importSpec {
	wanted := append(qualifiers(q.src), rem.qualifiers...)
	if root := identEnd(q.recv, 0); root > 0 {
		wanted = append(wanted, q.recv[:root])
	}
	wanted = append(wanted, extra...)
	if len(wanted) == 0 {
		return nil
	}
	taken := map[string]bool{}
	for _, is := range f.Imports {
		p, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			continue
		}
		name := c.pk.importName(p)
		if is.Name != nil {
			name = is.Name.Name
		}
		taken[name] = true
	}
	for name := range topLevelNames(f) {
		taken[name] = true
	}
	known := c.pk.known(ctx)
	var add []importSpec
	for _, name := range wanted {
		path, ok := known[name]
		if !ok || taken[name] {
			continue
		}
		taken[name] = true
		spec := importSpec{path: path}
		if c.pk.importName(path) != name {
			spec.name = name
		}
		add = append(add, spec)
	}
	return add
}

// qualifiers returns the identifiers of src that come before a dot and are
// not themselves selected (the x of x.y, not the y of x.y.z).
func qualifiers(src string) []string {
	fset := token.NewFileSet()
	file := fset.AddFile("", fset.Base(), len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), func(token.Position, string) {}, 0)
	var names []string
	seen := map[string]bool{}
	prev, prevLit := token.ILLEGAL, ""
	before := token.ILLEGAL
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return names
		}
		if tok == token.PERIOD && prev == token.IDENT && before != token.PERIOD && !seen[prevLit] {
			seen[prevLit] = true
			names = append(names, prevLit)
		}
		before, prev, prevLit = prev, tok, lit
	}
}

// topLevelNames returns the names f declares at package level.
func topLevelNames(f *ast.File) map[string]bool {
	names := map[string]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name != nil {
				names[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names[s.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names[n.Name] = true
					}
				}
			}
		}
	}
	return names
}

// pathName guesses the package name of an import path from its last
// element, skipping a major version suffix, as go tools do.
func pathName(path string) string {
	elems := strings.Split(path, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		name = elems[len(elems)-2]
	}
	if i := strings.IndexAny(name, ".-"); i > 0 {
		name = name[:i]
	}
	return name
}

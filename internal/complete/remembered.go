package complete

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// An importSpec is one import: its name ("" for the package's own) and path.
type importSpec struct {
	name, path string
}

func (s importSpec) String() string {
	if s.name == "" {
		return "import " + strconv.Quote(s.path)
	}
	return "import " + s.name + " " + strconv.Quote(s.path)
}

// remembered is the kernel's memory of earlier cells, cut into imports and
// the text of each other top-level declaration (with its doc comment).
type remembered struct {
	imports    []importSpec
	decls      []string
	qualifiers []string // identifiers used before a dot in the declarations
}

// parseRemembered reads the remembered file. It is the kernel's own output
// and normally valid; whatever does not parse is dropped.
func parseRemembered(src string) *remembered {
	if strings.TrimSpace(src) == "" {
		return &remembered{}
	}
	src = strings.ToValidUTF8(src, "\uFFFD") // the parser gives up on invalid bytes
	fset := token.NewFileSet()
	f, _ := parser.ParseFile(fset, "remembered.go", src, parser.ParseComments|parser.SkipObjectResolution|parser.AllErrors)
	if f == nil || f.Name == nil || f.Name.Name == "" {
		// No package clause: read it as declarations of package main.
		src = "package main\n" + src
		fset = token.NewFileSet()
		f, _ = parser.ParseFile(fset, "remembered.go", src, parser.ParseComments|parser.SkipObjectResolution|parser.AllErrors)
		if f == nil {
			return &remembered{}
		}
	}
	tf := tokenFile(fset, f)
	if tf == nil {
		return &remembered{}
	}
	r := &remembered{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.BadDecl:
			continue
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				for _, s := range d.Specs {
					is := s.(*ast.ImportSpec)
					path, err := strconv.Unquote(is.Path.Value)
					if err != nil {
						continue
					}
					spec := importSpec{path: path}
					if is.Name != nil {
						spec.name = is.Name.Name
					}
					r.imports = append(r.imports, spec)
				}
				continue
			}
		}
		start := d.Pos()
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Doc != nil {
				start = d.Doc.Pos()
			}
		case *ast.FuncDecl:
			if d.Doc != nil {
				start = d.Doc.Pos()
			}
		}
		from, to := tf.Offset(start), tf.Offset(d.End())
		if from < 0 || to > len(src) || from > to {
			continue
		}
		r.decls = append(r.decls, src[from:to])
	}
	r.qualifiers = qualifiers(strings.Join(r.decls, "\n"))
	return r
}

// rememberedFile returns the parse of src, reusing the last one while the
// kernel's memory has not changed.
func (c *Completer) rememberedFile(src string) *remembered {
	if c.remValid && c.remSrc == src {
		return c.remFile
	}
	c.remSrc, c.remFile, c.remValid = src, parseRemembered(src), true
	return c.remFile
}

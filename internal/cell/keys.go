package cell

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"go/ast"
	"go/token"
	"strconv"
	"strings"
)

// textKey names a declaration that has no name of its own (init funcs,
// blank vars) by its text: running the same cell again replaces it, while
// two different init funcs both stay.
func textKey(prefix, src string) string {
	h := sha256.Sum256([]byte(src))
	return prefix + "#" + hex.EncodeToString(h[:4])
}

// userName is the name a user wrote for a declaration key: a text key
// without its hash ("init" for "init#1a2b3c4d"), any other key as it is.
func userName(key string) string {
	name, _, _ := strings.Cut(key, "#")
	return name
}

// funcDecl describes a func or method declaration.
func funcDecl(d *ast.FuncDecl, src string) Decl {
	name := d.Name.Name
	decl := Decl{Kind: token.FUNC, uses: collectUses(d)}
	switch {
	case d.Recv != nil && len(d.Recv.List) > 0:
		key := receiverType(d.Recv.List[0].Type) + "." + name
		if name == "_" {
			key = textKey(key, src)
		}
		decl.Keys = []string{key}
	case name == "init" || name == "_":
		decl.Keys = []string{textKey(name, src)}
	default:
		decl.Keys = []string{name}
		decl.names = []string{name}
	}
	decl.ids = decl.Keys
	return decl
}

// receiverType is the type name of a method receiver: T for T, *T, T[K],
// (*T).
func receiverType(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return "?"
		}
	}
}

// genDecl describes a type, var or const declaration (one Decl for a whole
// group: its specs may depend on each other, as iota constants do).
func genDecl(d *ast.GenDecl, src string) Decl {
	decl := Decl{Kind: d.Tok, uses: collectUses(d)}
	add := func(id *ast.Ident) {
		if id.Name == "_" {
			decl.Keys = append(decl.Keys, textKey("_", src))
			return
		}
		decl.Keys = append(decl.Keys, id.Name)
		decl.names = append(decl.names, id.Name)
	}
	for _, s := range d.Specs {
		switch s := s.(type) {
		case *ast.TypeSpec:
			add(s.Name)
		case *ast.ValueSpec:
			for _, n := range s.Names {
				add(n)
			}
		}
	}
	decl.ids = decl.Keys
	return decl
}

// newImportSpec reads an import spec.
func newImportSpec(s *ast.ImportSpec) (*importSpec, error) {
	path, err := strconv.Unquote(s.Path.Value)
	if err != nil || path == "" {
		return nil, fmt.Errorf("invalid import path %s", s.Path.Value)
	}
	spec := &importSpec{path: path}
	if s.Name != nil {
		spec.name = s.Name.Name
	}
	return spec, nil
}

// importDecl describes one import. Its key is what the user wrote ("fmt",
// "m math"); what it replaces is an earlier import of the same name, since
// two of them could not live in one file.
func importDecl(spec *importSpec) Decl {
	decl := Decl{Kind: token.IMPORT, imp: spec}
	key := spec.path
	if spec.name != "" {
		key = spec.name + " " + spec.path
	}
	decl.Keys = []string{key}
	switch spec.name {
	case "_", ".":
		decl.ids = []string{"import " + key}
	default:
		decl.ids = []string{"import " + spec.local()}
	}
	return decl
}

// local is the name under which the import is referred to.
func (s *importSpec) local() string {
	if s.name != "" {
		return s.name
	}
	return assumedName(s.path)
}

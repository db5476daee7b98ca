package complete

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
)

// An analysis is the type-checked composition for one request.
type analysis struct {
	fset  *token.FileSet
	file  *ast.File
	tf    *token.File
	src   string // the composed source
	pkg   *types.Package
	pos   token.Pos    // the placeholder: where the cursor's expression stands
	scope *types.Scope // the innermost scope at pos
}

// analyze composes the notebook at the query, loads the packages it
// imports and type-checks it. extra names packages to import if known. It
// returns nil when there is nothing to analyze, or when ctx ended; the error
// reports packages that could not be loaded.
func (c *Completer) analyze(ctx context.Context, remembered string, q *query, extra []string) (*analysis, error) {
	rem := c.rememberedFile(remembered)
	segs := split(q.src)
	comp, ok := compose(q, segs, rem, nil)
	if !ok {
		return nil, nil
	}
	first, _ := parser.ParseFile(token.NewFileSet(), "cell.go", comp.src, parser.AllErrors|parser.SkipObjectResolution)
	if first == nil {
		return nil, nil
	}
	if auto := c.autoImports(ctx, first, q, rem, extra); len(auto) > 0 {
		comp, _ = compose(q, segs, rem, auto)
		first, _ = parser.ParseFile(token.NewFileSet(), "cell.go", comp.src, parser.ImportsOnly|parser.SkipObjectResolution)
		if first == nil {
			return nil, nil
		}
	}
	var paths []string
	for _, is := range first.Imports {
		if p, err := strconv.Unquote(is.Path.Value); err == nil {
			paths = append(paths, p)
		}
	}
	loadErr := c.pk.ensure(ctx, paths)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	// Import now, so that the positions the importer adds come before the
	// file set made next.
	for _, p := range paths {
		_, _ = c.pk.Import(p) // a package that cannot be imported is an ignored type error below
	}
	a := &analysis{fset: c.pk.fileSet(), src: comp.src}
	a.file, _ = parser.ParseFile(a.fset, "cell.go", comp.src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
	a.tf = tokenFile(a.fset, a.file)
	if a.tf == nil {
		return nil, loadErr // the parser gave up (it does on some invalid text)
	}
	// Only scopes are recorded: completion asks what is in scope at the
	// cursor, and evaluates the expression before a dot on its own.
	info := &types.Info{Scopes: map[ast.Node]*types.Scope{}}
	conf := types.Config{Importer: c.pk, Error: func(error) {}, FakeImportC: true}
	a.pkg, _ = conf.Check("main", a.fset, []*ast.File{a.file}, info)
	if a.pkg == nil {
		return nil, loadErr
	}
	a.pos = a.tf.Pos(comp.placeholder)
	a.scope = a.pkg.Scope().Innermost(a.pos)
	if a.scope == nil {
		a.scope = a.pkg.Scope()
	}
	return a, loadErr
}

// tokenFile returns the token.File of a parsed file, or nil when the parser
// gave up and returned an empty file without positions.
func tokenFile(fset *token.FileSet, f *ast.File) *token.File {
	if f == nil || !f.Package.IsValid() {
		return nil
	}
	return fset.File(f.Package)
}

// lookup finds the object name denotes at the cursor.
func (a *analysis) lookup(name string) types.Object {
	_, obj := a.scope.LookupParent(name, a.pos)
	return obj
}

// qualifier writes names of the cell's package unqualified and others with
// their package name.
func qualifier(own *types.Package) types.Qualifier {
	return func(p *types.Package) string {
		if p == own {
			return ""
		}
		return p.Name()
	}
}

// receiver evaluates the expression before the dot. It returns the package
// when it names one, else its type and whether it is a type (not a value).
func (a *analysis) receiver(recv string) (pkg *types.Package, t types.Type, isType bool) {
	expr, err := parser.ParseExprFrom(a.fset, "receiver", recv, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, false
	}
	if id, ok := expr.(*ast.Ident); ok {
		if pn, ok := a.lookup(id.Name).(*types.PkgName); ok {
			return pn.Imported(), nil, false
		}
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}}
	if err := types.CheckExpr(a.fset, a.pkg, a.pos, expr, info); err != nil {
		return nil, nil, false
	}
	tv, ok := info.Types[expr]
	if !ok || tv.Type == nil || tv.Type == types.Typ[types.Invalid] {
		return nil, nil, false
	}
	return nil, tv.Type, tv.IsType()
}

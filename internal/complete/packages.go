package complete

import (
	"context"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/module"
)

// retryAfter is how long a package that could not be found, or a standard
// library list that could not be made, is not asked for again.
const retryAfter = time.Minute

// A listedPackage is what go list says of a package.
type listedPackage struct {
	ImportPath string
	Name       string
	Dir        string
	Export     string // export data file; "" when the package does not compile
	GoFiles    []string
	Error      *struct{ Err string }
}

// packages loads and caches the packages that cells import: their types
// from export data (or from source when they do not compile), their
// documentation from source, and the standard library's package names.
type packages struct {
	dir, goCmd string
	env        []string
	// exportOf, when set, gives the export data of compiled packages the
	// go command need not build (see Completer.UseExports).
	exportOf func(path string) string

	fset     *token.FileSet // positions of imported packages
	gc       types.Importer // reads export data; caches what it reads
	listed   map[string]*listedPackage
	failed   map[string]time.Time // paths go list did not find, by when
	source   map[string]*types.Package
	checking map[string]bool // source packages being checked, against cycles
	docs     map[string]*docIndex

	stdTried  time.Time
	stdOK     bool
	stdPaths  map[string]string // standard import path -> package name
	knownByNm map[string]string // package name -> import path, for names cells may use unimported
}

func newPackages(dir string, env []string, goCmd string) *packages {
	if env == nil {
		env = os.Environ()
	}
	// Completion never downloads modules: what the workspace's builds
	// fetched is in the module cache, the rest is not offered.
	env = append(slices.Clip(env), "GOPROXY=off")
	p := &packages{
		dir: dir, env: env, goCmd: goCmd,
		fset:     token.NewFileSet(),
		listed:   map[string]*listedPackage{},
		failed:   map[string]time.Time{},
		source:   map[string]*types.Package{},
		checking: map[string]bool{},
		docs:     map[string]*docIndex{},
		stdPaths: map[string]string{},
	}
	p.gc = importer.ForCompiler(p.fset, "gc", p.lookup)
	return p
}

// ensure lists the packages of paths that are not loaded yet (and their
// dependencies) with their export data, building what needs it.
func (p *packages) ensure(ctx context.Context, paths []string) error {
	var missing []string
	seen := map[string]bool{}
	for _, path := range paths {
		if seen[path] || path == "unsafe" || path == "C" || p.listed[path] != nil || !listable(path) {
			continue
		}
		seen[path] = true
		if t, ok := p.failed[path]; ok && time.Since(t) < retryAfter {
			continue
		}
		missing = append(missing, path)
	}
	if len(missing) == 0 || p.goCmd == "" {
		return nil
	}
	pkgs, err := p.listShared(ctx, missing)
	if pkgs == nil && err == nil {
		pkgs, err = p.list(ctx, append([]string{"-export", "-deps", "--"}, missing...)...)
	}
	if err != nil && ctx.Err() != nil {
		return err
	}
	for _, lp := range pkgs {
		if p.listed[lp.ImportPath] == nil && (lp.Export != "" || len(lp.GoFiles) > 0) {
			p.listed[lp.ImportPath] = lp
		}
	}
	for _, path := range missing {
		if p.listed[path] == nil {
			p.failed[path] = time.Now()
		}
	}
	if err != nil {
		return fmt.Errorf("load packages: %w", err)
	}
	return nil
}

// listShared lists paths and their dependencies without building them,
// taking their export data from exportOf. It returns nil, nil when exportOf
// lacks one of them: the go command must build it.
func (p *packages) listShared(ctx context.Context, paths []string) ([]*listedPackage, error) {
	if p.exportOf == nil {
		return nil, nil
	}
	// The shared packages are those cells build without cgo.
	env := append(slices.Clip(p.env), "CGO_ENABLED=0")
	pkgs, err := p.listEnv(ctx, env, append([]string{"-deps", "--"}, paths...)...)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, nil
	}
	for _, lp := range pkgs {
		if lp.ImportPath == "unsafe" || lp.Error != nil {
			continue
		}
		if lp.Export = p.exportOf(lp.ImportPath); lp.Export == "" {
			return nil, nil
		}
	}
	return pkgs, nil
}

// listable reports whether path is an import path the go command can be
// asked about, and not a pattern such as "all" or "./...".
func listable(path string) bool {
	switch path {
	case "all", "std", "cmd", "tool", "work":
		return false
	}
	return !strings.Contains(path, "...") && module.CheckImportPath(path) == nil
}

// lookup gives the gc importer the export data of a listed package.
func (p *packages) lookup(path string) (io.ReadCloser, error) {
	lp := p.listed[path]
	if lp == nil || lp.Export == "" {
		return nil, fmt.Errorf("no export data for %s", path)
	}
	return os.Open(lp.Export)
}

// Import implements types.Importer for the listed packages.
func (p *packages) Import(path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	lp := p.listed[path]
	if lp == nil {
		return nil, fmt.Errorf("package %s is not loaded", path)
	}
	if pkg := p.source[path]; pkg != nil {
		return pkg, nil
	}
	if lp.Export != "" {
		pkg, err := p.gc.Import(path)
		if err == nil {
			return pkg, nil
		}
		// Export data this binary cannot read (a go command of another
		// release wrote it): fall back to the source, slower but right.
		if len(lp.GoFiles) == 0 {
			return nil, fmt.Errorf("import %s: %w", path, err)
		}
	}
	return p.checkSource(lp)
}

// checkSource type-checks a package that does not compile from its source,
// ignoring its errors, so that its names can still be offered.
func (p *packages) checkSource(lp *listedPackage) (*types.Package, error) {
	if p.checking[lp.ImportPath] {
		return nil, fmt.Errorf("import cycle through %s", lp.ImportPath)
	}
	p.checking[lp.ImportPath] = true
	defer delete(p.checking, lp.ImportPath)
	var files []*ast.File
	for _, name := range lp.GoFiles {
		f, _ := parser.ParseFile(p.fset, filepath.Join(lp.Dir, name), nil, parser.SkipObjectResolution)
		if f != nil {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("package %s: no source", lp.ImportPath)
	}
	conf := types.Config{Importer: p, Error: func(error) {}, FakeImportC: true}
	pkg, _ := conf.Check(lp.ImportPath, p.fset, files, nil)
	p.source[lp.ImportPath] = pkg
	return pkg, nil
}

// fileSet returns a new file set whose positions come after every position
// of the imported packages, so that positions never collide.
func (p *packages) fileSet() *token.FileSet {
	fs := token.NewFileSet()
	fs.AddFile("imported", -1, p.fset.Base())
	return fs
}

package cell

import (
	"cmp"
	"errors"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// DefaultPackages are the packages, besides the standard library, that a
// cell may use without importing them: the project's demos, plots and
// check, gonb's display API, and gonum's plotting packages.
func DefaultPackages() map[string]string {
	return map[string]string{
		"demos":    "github.com/conclab/conclab/demos",
		"workload": "github.com/conclab/conclab/demos/workload",
		"hazard":   "github.com/conclab/conclab/demos/hazard",
		"ipc":      "github.com/conclab/conclab/demos/ipc",
		"plots":    "github.com/conclab/conclab/plots",
		"check":    "github.com/conclab/conclab/check",
		"errgroup": "golang.org/x/sync/errgroup",
		"gonbui":   "github.com/janpfeifer/gonb/gonbui",
		"plot":     "gonum.org/v1/plot",
		"plotter":  "gonum.org/v1/plot/plotter",
		"plotutil": "gonum.org/v1/plot/plotutil",
		"vg":       "gonum.org/v1/plot/vg",
		"draw":     "gonum.org/v1/plot/vg/draw",
		"vgimg":    "gonum.org/v1/plot/vg/vgimg",
		"vgsvg":    "gonum.org/v1/plot/vg/vgsvg",
	}
}

// ResolverOptions configure a Resolver.
type ResolverOptions struct {
	// GOROOT is the Go installation whose standard library cells use; ""
	// means $GOROOT, else go/build's default, else `go env GOROOT`.
	GOROOT string
	// Packages maps package names to the import paths of non-standard
	// packages cells may use without importing them; nil means
	// DefaultPackages.
	Packages map[string]string
}

// A Resolver finds the import path of a package name a cell uses without
// importing it, in process: it indexes the standard library's directories
// once, and where a name is ambiguous (rand: crypto/rand, math/rand,
// math/rand/v2) it picks the package that exports every name the cell uses,
// reading only those candidates' sources. Answers are cached, so after a
// warm-up a resolution is a map lookup. It never scans the module cache: an
// unknown name stays unresolved and the compiler reports it as undefined.
// A Resolver is safe for concurrent use.
type Resolver struct {
	goroot   string
	packages map[string]string

	mu       sync.Mutex
	indexed  bool
	indexErr error
	ctx      build.Context
	std      map[string][]string        // package name -> paths, preferred first
	stdPaths map[string]bool            // every standard library import path
	exports  map[string]map[string]bool // path -> exported names; nil: not buildable here
	cache    map[string]string          // name + selectors -> path ("" unresolved)
}

// NewResolver makes a Resolver; it does no work until first used or warmed.
func NewResolver(opt ResolverOptions) *Resolver {
	pkgs := opt.Packages
	if pkgs == nil {
		pkgs = DefaultPackages()
	}
	return &Resolver{
		goroot:   opt.GOROOT,
		packages: maps.Clone(pkgs),
		exports:  map[string]map[string]bool{},
		cache:    map[string]string{},
	}
}

// Warm indexes the standard library and reads the exports of every package
// whose name is ambiguous, so that later resolutions do no file work. The
// kernel calls it in the background at start.
func (r *Resolver) Warm() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.index(); err != nil {
		return err
	}
	for name, paths := range r.std {
		_, project := r.packages[name]
		if len(paths) > 1 || project {
			for _, p := range paths {
				r.exportsOf(p)
			}
		}
	}
	return nil
}

// Resolve returns the import path for package name used with the given
// selectors (rand, [Intn] -> math/rand), or false when no known package
// fits.
func (r *Resolver) Resolve(name string, selectors []string) (string, bool) {
	sels := slices.Clone(selectors)
	slices.Sort(sels)
	key := name + "\x00" + strings.Join(sels, ",")
	r.mu.Lock()
	defer r.mu.Unlock()
	path, ok := r.cache[key]
	if !ok {
		path = r.resolve(name, sels)
		r.cache[key] = path
	}
	return path, path != ""
}

// Known reports whether path is a package whose name the Resolver knows for
// sure (the standard library and the configured packages): an import of it
// that nothing uses can be dropped rather than kept as a blank import.
func (r *Resolver) Known(path string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.packages {
		if p == path {
			return true
		}
	}
	_ = r.index()
	return r.stdPaths[path]
}

// stdExports returns the exported names of standard package path; false
// when path is not one or does not build here.
func (r *Resolver) stdExports(path string) (map[string]bool, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.index() != nil || !r.stdPaths[path] {
		return nil, false
	}
	ex := r.exportsOf(path)
	return ex, ex != nil
}

func (r *Resolver) resolve(name string, sels []string) string {
	_ = r.index() // without a GOROOT only the configured packages resolve
	cands := r.std[name]
	project, hasProject := r.packages[name]
	switch {
	case len(cands) == 0:
		return project
	case len(cands) == 1 && !hasProject:
		return cands[0]
	}
	for _, c := range cands {
		if ex := r.exportsOf(c); ex != nil && hasAll(ex, sels) {
			return c
		}
	}
	if hasProject {
		return project
	}
	// Nothing exports all of them: take the preferred package that builds,
	// so the compiler names the missing selector rather than the package.
	for _, c := range cands {
		if r.exportsOf(c) != nil {
			return c
		}
	}
	return cands[0]
}

func hasAll(set map[string]bool, names []string) bool {
	for _, n := range names {
		if !set[n] {
			return false
		}
	}
	return true
}

// preferred breaks ties between standard packages of one name that export
// the same selectors, as goimports does for rand; text/template is the
// usual template.
var preferred = []string{"crypto/rand", "math/rand/v2", "math/rand", "text/template"}

func preference(a, b string) int {
	rank := func(p string) int {
		if i := slices.Index(preferred, p); i >= 0 {
			return i
		}
		return len(preferred)
	}
	return cmp.Or(
		cmp.Compare(rank(a), rank(b)),
		cmp.Compare(strings.Count(a, "/"), strings.Count(b, "/")),
		strings.Compare(a, b))
}

// index walks GOROOT/src once for the standard library's packages. The
// caller holds r.mu.
func (r *Resolver) index() error {
	if r.indexed {
		return r.indexErr
	}
	r.indexed = true
	r.std, r.stdPaths = map[string][]string{}, map[string]bool{}
	root, err := findGOROOT(r.goroot)
	if err != nil {
		r.indexErr = fmt.Errorf("index standard library: %w", err)
		return r.indexErr
	}
	r.ctx = build.Default
	r.ctx.GOROOT = root
	src := filepath.Join(root, "src")
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == src {
				return err
			}
			return nil // an unreadable corner of GOROOT is no reason to fail
		}
		name := d.Name()
		if d.IsDir() {
			if p != src && (name == "internal" || name == "vendor" || name == "testdata" ||
				name == "builtin" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
				p == filepath.Join(src, "cmd")) {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(src, filepath.Dir(p))
		if err != nil || rel == "." {
			return nil
		}
		path := filepath.ToSlash(rel)
		if !r.stdPaths[path] {
			r.stdPaths[path] = true
			n := assumedName(path)
			r.std[n] = append(r.std[n], path)
		}
		return nil
	})
	if err != nil {
		r.indexErr = fmt.Errorf("index standard library: %w", err)
		return r.indexErr
	}
	for _, paths := range r.std {
		slices.SortFunc(paths, preference)
	}
	return nil
}

// exportsOf reads the exported top-level names of standard package path,
// with the build constraints of this machine (nil when nothing builds
// here, as for encoding/json/v2 without its GOEXPERIMENT). The caller
// holds r.mu.
func (r *Resolver) exportsOf(path string) map[string]bool {
	if ex, ok := r.exports[path]; ok {
		return ex
	}
	r.exports[path] = nil
	pkg, err := r.ctx.ImportDir(filepath.Join(r.ctx.GOROOT, "src", filepath.FromSlash(path)), 0)
	if err != nil {
		return nil
	}
	ex := map[string]bool{}
	fset := token.NewFileSet()
	for _, f := range slices.Concat(pkg.GoFiles, pkg.CgoFiles) {
		file, err := parser.ParseFile(fset, filepath.Join(pkg.Dir, f), nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() {
					ex[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							ex[s.Name.Name] = true
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							if n.IsExported() {
								ex[n.Name] = true
							}
						}
					}
				}
			}
		}
	}
	r.exports[path] = ex
	return ex
}

// findGOROOT locates the Go installation: given, $GOROOT, go/build's
// default, or what the go command says.
func findGOROOT(given string) (string, error) {
	for _, dir := range []string{given, os.Getenv("GOROOT"), build.Default.GOROOT} {
		if dir != "" && isDir(filepath.Join(dir, "src", "fmt")) {
			return dir, nil
		}
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOROOT: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	if !isDir(filepath.Join(dir, "src", "fmt")) {
		return "", errors.New("no Go installation found")
	}
	return dir, nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// assumedName guesses the package name of an import path as goimports does:
// the last element, or the one before a major version ("math/rand/v2" ->
// rand), without a "go-" prefix and cut at the first character a name
// cannot hold ("gopkg.in/yaml.v3" -> yaml).
func assumedName(path string) string {
	elems := strings.Split(path, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && isMajorVersion(name) {
		name = elems[len(elems)-2]
	}
	name = strings.TrimPrefix(name, "go-")
	if i := strings.IndexFunc(name, func(r rune) bool {
		return r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}); i >= 0 {
		name = name[:i]
	}
	return name
}

// isMajorVersion reports whether s is a module major version suffix (v2,
// v10; v1 never is one).
func isMajorVersion(s string) bool {
	if len(s) < 2 || s[0] != 'v' || s[1] == '0' || s == "v1" {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

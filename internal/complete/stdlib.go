package complete

import (
	"context"

	"github.com/conclab/conclab/internal/cell"
	"strings"
	"time"
)

// projectPackages are the non-standard packages a cell may use by name
// without importing them: the same table the kernel adds imports from.
var projectPackages = cell.DefaultPackages()

// preferredStd settles standard-library names that several packages share,
// in favour of the package that cells mean most often.
var preferredStd = map[string]string{
	"rand":     "math/rand",
	"template": "text/template",
	"scanner":  "text/scanner",
}

// known returns the package names that cells may use without importing
// them, with their import paths. The standard library's are listed by the go
// command the first time.
func (p *packages) known(ctx context.Context) map[string]string {
	if p.knownByNm != nil && (p.stdOK || p.goCmd == "" || time.Since(p.stdTried) < retryAfter) {
		return p.knownByNm
	}
	byName := map[string]string{}
	if p.goCmd != "" {
		pkgs, err := p.list(ctx, "std")
		if ctx.Err() == nil {
			p.stdTried = time.Now() // a cancelled request does not count as a try
		}
		if err == nil {
			p.stdOK = true
			for _, lp := range pkgs {
				if !publicStd(lp) {
					continue
				}
				p.stdPaths[lp.ImportPath] = lp.Name
				if old, ok := byName[lp.Name]; !ok || preferPath(lp.Name, lp.ImportPath, old) {
					byName[lp.Name] = lp.ImportPath
				}
			}
		}
	}
	for name, path := range projectPackages {
		byName[name] = path
	}
	p.knownByNm = byName
	return byName
}

func publicStd(lp *listedPackage) bool {
	if lp.Name == "" || lp.Name == "main" || lp.ImportPath == "builtin" || strings.HasPrefix(lp.ImportPath, "vendor/") {
		return false
	}
	for _, e := range strings.Split(lp.ImportPath, "/") {
		if e == "internal" {
			return false
		}
	}
	return true
}

// preferPath reports whether path is a better import for name than old:
// the preferred table first, then fewer elements, then the shorter path.
func preferPath(name, path, old string) bool {
	if want, ok := preferredStd[name]; ok {
		return path == want
	}
	if a, b := strings.Count(path, "/"), strings.Count(old, "/"); a != b {
		return a < b
	}
	if len(path) != len(old) {
		return len(path) < len(old)
	}
	return path < old
}

// importName returns the package name an import of path declares.
func (p *packages) importName(path string) string {
	if lp := p.listed[path]; lp != nil && lp.Name != "" {
		return lp.Name
	}
	if name, ok := p.stdPaths[path]; ok {
		return name
	}
	for name, pp := range projectPackages {
		if pp == path {
			return name
		}
	}
	return pathName(path)
}

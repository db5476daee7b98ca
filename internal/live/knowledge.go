package live

import (
	"maps"
	pathpkg "path"
	"slices"
	"strings"
	"sync"

	"github.com/conclab/conclab/internal/live/internal/liveproto"
)

// preferred settles package names that several packages of the symbol
// tables share, where the shortest path is not the usual choice.
var preferred = map[string]string{
	"template": "text/template",
	"rand":     "math/rand",
}

// packageNames maps the import paths live cells can import to their
// packages' names.
var packageNames = sync.OnceValue(liveproto.Packages)

// packageName is the name an import of path binds: the package's own
// (math/rand/v2 is rand), or for a package the worker lacks, the path's last
// element.
func packageName(path string) string {
	if name, ok := packageNames()[path]; ok {
		return name
	}
	return pathpkg.Base(path)
}

// knownPaths are the import paths live cells can import.
func knownPaths() map[string]bool {
	out := map[string]bool{}
	for p := range liveproto.Packages() {
		out[p] = true
	}
	return out
}

// defaultPackages maps each package name to the path a cell that uses the
// name without importing it gets: the preferred one, else the shortest.
func defaultPackages() map[string]string {
	out := map[string]string{}
	names := liveproto.Packages()
	paths := slices.Sorted(maps.Keys(names))
	for _, p := range paths {
		name := names[p]
		if strings.Contains(p, "internal") {
			continue
		}
		if old, ok := out[name]; !ok || len(p) < len(old) {
			out[name] = p
		}
	}
	for name, p := range preferred {
		if _, ok := names[p]; ok {
			out[name] = p
		}
	}
	return out
}

// snapshot copies what prepare needs, so that it runs without the lock.
func (e *Engine) snapshot() *knowledge {
	e.mu.Lock()
	defer e.mu.Unlock()
	k := &knowledge{packages: e.know.packages, paths: e.know.paths, live: maps.Clone(e.know.live), types: maps.Clone(e.know.types), sigs: maps.Clone(e.know.sigs), decls: maps.Clone(e.know.decls), imports: maps.Clone(e.imported), broken: maps.Clone(e.know.broken)}
	for name := range e.imported {
		k.live[name] = "package" // an import binds the name: no auto-import over it
	}
	return k
}

// learn records what a cell added to the session.
func (e *Engine) learn(pl *liveproto.Plan, rep *liveproto.Reply) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if rep.Error == nil {
		maps.Copy(e.know.types, pl.Types)
		if e.know.sigs == nil {
			e.know.sigs = map[string]string{}
		}
		if e.know.decls == nil {
			e.know.decls = map[string]string{}
		}
		for _, d := range pl.Defines {
			delete(e.know.sigs, d.Name) // redefined: the old type no longer holds
			delete(e.know.decls, d.Name)
		}
		maps.Copy(e.know.sigs, pl.Sigs)
		maps.Copy(e.know.decls, pl.Decls)
		for _, d := range pl.Defines {
			if d.Kind == "func" || d.Kind == "type" {
				e.know.live[d.Name] = d.Kind
			}
		}
	}
	if rep.Live != nil {
		for name, kind := range e.know.live {
			if kind != "func" && kind != "type" {
				delete(e.know.live, name)
			}
		}
		for name, kind := range rep.Live {
			e.know.live[name] = kind
		}
	}
	maps.Copy(e.imported, rep.Imported)
	if e.know.broken == nil {
		e.know.broken = map[string]bool{}
	}
	compileFailed := rep.Error != nil && rep.Error.Name == "CompileError"
	for _, d := range pl.Defines {
		if d.Kind != "func" {
			continue
		}
		// yaegi declares a failed cell's functions before it compiles
		// them: they stay, with empty bodies, and calls of them do
		// nothing. Until a cell declares one again, using it is refused.
		if compileFailed {
			e.know.broken[d.Name] = true
		} else if rep.Error == nil {
			delete(e.know.broken, d.Name)
		}
	}
}

// Names lists the session's live names, sorted: variables, constants,
// functions, types and imported packages.
func (e *Engine) Names() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	set := map[string]bool{}
	for name := range e.know.live {
		set[name] = true
	}
	for name := range e.imported {
		set[name] = true
	}
	return slices.Sorted(maps.Keys(set))
}

package worker

import (
	"path"
	"reflect"
	"strings"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/unrestricted"

	"github.com/conclab/conclab/internal/live/worker/newstd"
	"github.com/conclab/conclab/internal/live/worker/symbols"
)

// tables are the symbol tables the worker's interpreter loads: the standard
// library (yaegi's, with what Go added since, from newstd), its unrestricted
// parts (os.Exit really exits, os/exec works) and the project's packages.
func tables() []interp.Exports {
	return []interp.Exports{stdlib.Symbols, newer(stdlib.Symbols, newstd.Symbols), unrestricted.Symbols, symbols.Symbols}
}

// newer returns what in current lacks from base, package by package and
// name by name: yaegi's tables keep their entries (it adjusts some, such as
// fmt's output and log.Fatal), and gain the packages and names of later Go
// releases.
func newer(base, current interp.Exports) interp.Exports {
	out := interp.Exports{}
	for key, syms := range current {
		have := base[key]
		add := map[string]reflect.Value{}
		for name, v := range syms {
			if _, ok := have[name]; !ok {
				add[name] = v
			}
		}
		if len(add) > 0 || have == nil {
			out[key] = add
		}
	}
	return out
}

// Packages maps the import path of every package live cells can import to
// the package's name, from the symbol tables.
func Packages() map[string]string {
	out := map[string]string{}
	for _, t := range tables() {
		for key := range t {
			dir, name := path.Dir(key), path.Base(key)
			if dir == "." || strings.Contains(dir, "traefik/yaegi") {
				continue
			}
			out[dir] = name
		}
	}
	return out
}

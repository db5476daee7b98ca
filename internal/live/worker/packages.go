package worker

import (
	"path"
	"strings"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	"github.com/traefik/yaegi/stdlib/unrestricted"

	"github.com/conclab/conclab/internal/live/worker/symbols"
)

// tables are the symbol tables the worker's interpreter loads: the standard
// library, its unrestricted parts (os.Exit really exits, os/exec works) and
// the project's packages.
func tables() []interp.Exports {
	return []interp.Exports{stdlib.Symbols, unrestricted.Symbols, symbols.Symbols}
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

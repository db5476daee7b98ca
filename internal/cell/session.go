package cell

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Session remembers the declarations of the cells that built, in definition
// order. It is safe for concurrent use: completion may read it while a cell
// runs.
type Session struct {
	res *Resolver

	mu    sync.Mutex
	decls []Decl
}

// NewSession makes an empty session with its own Resolver for the standard
// library and DefaultPackages.
func NewSession() *Session {
	return NewSessionWith(NewResolver(ResolverOptions{}))
}

// NewSessionWith makes an empty session that resolves imports with r (which
// sessions may share).
func NewSessionWith(r *Resolver) *Session {
	return &Session{res: r}
}

// Warm prepares import resolution (see Resolver.Warm), so that the first
// cell composes as fast as the others. Call it in the background at start.
func (s *Session) Warm() error { return s.res.Warm() }

// Commit remembers the declarations of the cell p was composed from; the
// engine calls it once p built. Each replaces the remembered declarations
// it shares a key with.
func (s *Session) Commit(p *Program) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.decls = replace(s.decls, p.decls)
}

// Decls returns the remembered declarations in definition order (for %ls).
func (s *Session) Decls() []Decl {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Decl, len(s.decls))
	for i, d := range s.decls {
		d.Keys = slices.Clone(d.Keys)
		out[i] = d
	}
	return out
}

// Remove forgets the declarations that define any of keys (for %rm): a
// name ("F", "T.M", a var of a group, which goes with its whole group; "init"
// or "_" for every init func or blank declaration, "init#1a2b3c4d" for one),
// or an import by its key ("fmt", "m math"), path or alias. It returns the
// keys of what it removed. If a key matches nothing it removes nothing and
// says which keys are unknown.
func (s *Session) Remove(keys ...string) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var unknown []string
	drop := make([]bool, len(s.decls))
	for _, k := range keys {
		found := false
		for i, d := range s.decls {
			if d.matches(k) {
				drop[i], found = true, true
			}
		}
		if !found {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("no remembered declaration named %s (%%ls lists them)", strings.Join(unknown, ", "))
	}
	var removed []string
	kept := s.decls[:0:0]
	for i, d := range s.decls {
		if drop[i] {
			removed = append(removed, d.Keys...)
		} else {
			kept = append(kept, d)
		}
	}
	s.decls = kept
	return removed, nil
}

// matches reports whether %rm key names d: one of its keys, or the name a
// user wrote for one keyed by its text ("init" for "init#1a2b3c4d").
func (d *Decl) matches(key string) bool {
	for _, k := range d.Keys {
		if k == key || userName(k) == key {
			return true
		}
	}
	return d.imp != nil && (key == d.imp.path || d.imp.name != "" && key == d.imp.name)
}

// Reset forgets every declaration.
func (s *Session) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.decls = nil
}

// remembered returns the current declarations; the Decls themselves are
// never changed in place, so sharing the slice's elements is safe.
func (s *Session) remembered() []Decl {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clip(s.decls)
}

// replace returns old without the declarations that share an id with one of
// newer, followed by newer: a redefinition replaces the old one whole and
// moves to the end of the definition order.
func replace(old, newer []Decl) []Decl {
	ids := map[string]bool{}
	for _, d := range newer {
		for _, id := range d.ids {
			ids[id] = true
		}
	}
	out := make([]Decl, 0, len(old)+len(newer))
	for _, d := range old {
		if !slices.ContainsFunc(d.ids, func(id string) bool { return ids[id] }) {
			out = append(out, d)
		}
	}
	return append(out, newer...)
}

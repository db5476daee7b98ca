package magic

import (
	"fmt"
	"strings"
	"unicode"
)

// A Registry is an immutable list of magics, in the order they were
// declared, which is the order %help and the README show them.
type Registry[H any] struct {
	magics []Magic[H]
}

// New checks the magics and makes a Registry of them: every magic but
// Syntax entries has names, each a Go identifier used once among the magics
// written with the same prefix; Usage starts with the prefixed name; Usage
// and Help are one line without "|" (they are cells of the README's table).
func New[H any](magics ...Magic[H]) (Registry[H], error) {
	seen := map[string]bool{}
	for i, m := range magics {
		if err := check(m.Kind, m.Names, m.Usage, m.Help, seen); err != nil {
			return Registry[H]{}, fmt.Errorf("magic %d (%q): %w", i, m.Usage, err)
		}
	}
	return Registry[H]{magics: append([]Magic[H](nil), magics...)}, nil
}

func check(kind Kind, names []string, usage, help string, seen map[string]bool) error {
	switch {
	case kind < Line || kind > Syntax:
		return fmt.Errorf("unknown kind %d", kind)
	case usage == "" || help == "":
		return fmt.Errorf("no usage or no help")
	case strings.ContainsAny(usage+help, "|\n"):
		return fmt.Errorf("usage and help must be one line without |")
	case kind == Syntax && len(names) > 0:
		return fmt.Errorf("syntax entries have no names")
	case kind != Syntax && len(names) == 0:
		return fmt.Errorf("no name")
	}
	for _, n := range names {
		if !isName(n) {
			return fmt.Errorf("%q is not a name", n)
		}
		key := kind.Prefix() + n
		if seen[key] {
			return fmt.Errorf("%s is declared twice", key)
		}
		seen[key] = true
	}
	if kind != Syntax {
		first := kind.Prefix() + names[0]
		if rest, ok := strings.CutPrefix(usage, first); !ok || (rest != "" && rest[0] != ' ') {
			return fmt.Errorf("usage does not start with %s", first)
		}
	}
	return nil
}

func isName(s string) bool {
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return s != ""
}

// Lookup finds the magic of kind k called name (its name or an alias).
func (r Registry[H]) Lookup(k Kind, name string) (Magic[H], bool) {
	for _, m := range r.magics {
		if m.Kind != k {
			continue
		}
		for _, n := range m.Names {
			if n == name {
				return m, true
			}
		}
	}
	return Magic[H]{}, false
}

// All is every magic, in declaration order.
func (r Registry[H]) All() []Magic[H] {
	return append([]Magic[H](nil), r.magics...)
}

// A Use is a magic as written in a cell.
type Use struct {
	Line int    // 1-based line of the cell
	Name string // without the prefix
	Args string // the text after the name, trimmed
}

// FirstLine finds the FirstLine magic written on the first non-blank line
// of code, if there is one.
func (r Registry[H]) FirstLine(code string) (Magic[H], Use, bool) {
	for n, l := range strings.Split(code, "\n") {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		rest, ok := strings.CutPrefix(t, "%")
		if !ok {
			break
		}
		name, args := rest, ""
		if i := strings.IndexFunc(rest, unicode.IsSpace); i >= 0 {
			name, args = rest[:i], strings.TrimSpace(rest[i:])
		}
		m, ok := r.Lookup(FirstLine, name)
		if !ok {
			break
		}
		return m, Use{Line: n + 1, Name: name, Args: args}, true
	}
	return Magic[H]{}, Use{}, false
}

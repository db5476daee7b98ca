package magic

import "strconv"

// A Kind is where and how a magic is written in a cell.
type Kind int

const (
	// Line is "%name args" on a line of its own, run in cell order before
	// the cell's Go code.
	Line Kind = iota + 1
	// FirstLine is "%name args" on the first non-blank line of a cell; it
	// decides how the whole cell runs (%live).
	FirstLine
	// Cell is "%%name args" on the first non-blank line of a cell; the
	// rest of the cell is its body (%%script).
	Cell
	// Syntax is other text the cell parser reads itself (!command, %%,
	// //gonb:): it has no names and no handler, only help.
	Syntax
)

// String names the kind as %help titles it.
func (k Kind) String() string {
	switch k {
	case Line:
		return "Line magics"
	case FirstLine:
		return "First line of a cell"
	case Cell:
		return "Cell magics (first line; the rest of the cell is the body)"
	case Syntax:
		return "Other lines"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Prefix is what comes before a magic's name: "%" or "%%" ("" for Syntax).
func (k Kind) Prefix() string {
	switch k {
	case Line, FirstLine:
		return "%"
	case Cell:
		return "%%"
	}
	return ""
}

// An Arity is how many arguments a magic takes.
type Arity struct {
	Min, Max int // Max < 0: no upper bound
}

// Allows says whether n arguments fit.
func (a Arity) Allows(n int) bool {
	return n >= a.Min && (a.Max < 0 || n <= a.Max)
}

// A Magic is one entry of a Registry.
type Magic[H any] struct {
	Kind Kind
	// Names are the magic's name, then its aliases, without the prefix.
	// Syntax entries have none.
	Names []string
	// Usage is how it is written, with the prefix: "%env NAME VALUE".
	Usage string
	// Help says what it does, in one line of plain text.
	Help string
	// Args is how many arguments it takes, checked before Run.
	Args Arity
	// Run is its handler; the zero value for Syntax entries.
	Run H
}

// Name is the magic's name, without the prefix ("" for Syntax entries).
func (m Magic[H]) Name() string {
	if len(m.Names) == 0 {
		return ""
	}
	return m.Names[0]
}

// Syntax is the usage followed by the aliases, as %help and the README
// show it: "%rm NAME..., %remove".
func (m Magic[H]) Syntax() string {
	s := m.Usage
	for _, a := range m.Names[min(1, len(m.Names)):] {
		s += ", " + m.Kind.Prefix() + a
	}
	return s
}

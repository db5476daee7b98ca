package magic

// A Row is one line of help: how a magic is written and what it does.
type Row struct {
	Syntax string
	Help   string
}

// A Section is the help for the magics of one kind.
type Section struct {
	Kind Kind
	Rows []Row
}

// Help is the help for every magic: a section per kind that has any, in
// the order of the Kind constants, and declaration order within each.
func (r Registry[H]) Help() []Section {
	var secs []Section
	for k := Line; k <= Syntax; k++ {
		sec := Section{Kind: k}
		for _, m := range r.magics {
			if m.Kind == k {
				sec.Rows = append(sec.Rows, Row{Syntax: m.Syntax(), Help: m.Help})
			}
		}
		if len(sec.Rows) > 0 {
			secs = append(secs, sec)
		}
	}
	return secs
}

// Rows is every row of Help, section after section.
func (r Registry[H]) Rows() []Row {
	var rows []Row
	for _, s := range r.Help() {
		rows = append(rows, s.Rows...)
	}
	return rows
}

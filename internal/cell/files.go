package cell

import "slices"

// Files names, for each cell a program holds, the file its lines are
// attributed to (the //line directives): the debugger maps these to the
// files JupyterLab names cells by.
type Files struct {
	Current    string         // the cell being run
	Remembered map[int]string // by execution count: earlier cells whose declarations the program holds
}

// Files are the virtual files of p's cells.
func (p *Program) Files() Files {
	f := Files{Current: currentFile, Remembered: map[int]string{}}
	for _, d := range p.remembered {
		f.Remembered[d.Cell] = rememberedFile(d.Cell)
	}
	return f
}

// RememberedCells are the execution counts of the earlier cells whose
// declarations p holds, in order.
func (p *Program) RememberedCells() []int {
	var ids []int
	for _, d := range p.remembered {
		if !slices.Contains(ids, d.Cell) {
			ids = append(ids, d.Cell)
		}
	}
	slices.Sort(ids)
	return ids
}

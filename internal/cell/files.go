package cell

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

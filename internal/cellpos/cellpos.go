// Package cellpos names the places of a composed cell program as a notebook
// reader knows them. The kernel composes each cell into a program whose
// files are virtual (/conclab/cell.go for the cell that runs,
// /conclab/cell3.go for a declaration remembered from cell [3],
// /conclab/generated.go for the kernel's own lines); compilers, the runtime
// and the race detector report those names, and Name turns them into
// "line 5", "cell [3] line 4" or "generated code line 9".
package cellpos

import (
	"strconv"
	"strings"
)

// Dir is the virtual directory of a composed program's files.
const Dir = "/conclab/"

// Name names line of file as a notebook reader knows it, and reports
// whether file is one of a composed program's; for any other file it
// returns "base.go:line" and false.
func Name(file string, line int) (string, bool) {
	i := strings.LastIndex(file, Dir)
	if i < 0 || !strings.HasSuffix(file, ".go") {
		return base(file) + ":" + strconv.Itoa(line), false
	}
	name := strings.TrimSuffix(file[i+len(Dir):], ".go")
	switch {
	case name == "generated":
		return "generated code line " + strconv.Itoa(line), true
	case name == "cell":
		return "line " + strconv.Itoa(line), true
	case strings.HasPrefix(name, "cell"):
		if n, err := strconv.Atoi(name[len("cell"):]); err == nil && n >= 0 {
			return "cell [" + strconv.Itoa(n) + "] line " + strconv.Itoa(line), true
		}
	}
	return base(file) + ":" + strconv.Itoa(line), false
}

func base(file string) string {
	if i := strings.LastIndexByte(file, '/'); i >= 0 {
		return file[i+1:]
	}
	return file
}

package cell

import (
	"go/token"
	"regexp"
	"strconv"
	"strings"
)

// A Culprit is a declaration remembered from an earlier cell that fails
// while a program initializes, before main: an init func, or a package
// variable whose initializer panics. It fails every cell that follows
// until it is removed.
type Culprit struct {
	// What names it as a user wrote it: "func init", "var x".
	What string
	// Cell is the execution count of the cell it came from.
	Cell int
	// Remove is the %rm argument that removes it and nothing else: "init"
	// or "x", or "init#1a2b3c4d" when other init funcs are remembered too.
	Remove string
}

// cellFrame matches a crash report's position line in a remembered cell, as
// Rewrite leaves it: "\tcell [3] line 4".
var cellFrame = regexp.MustCompile(`^\s+cell \[(\d+)\] line (\d+)`)

// InitCulprit finds, in a crash report that Rewrite turned into cell terms,
// the remembered declaration that failed while p initialized: the one
// holding the innermost package initialization frame of goroutine 1
// ("main.init.0()", "main.init()"). ok is false when the program failed
// elsewhere, or in the current cell's own declarations.
func (p *Program) InitCulprit(report string) (c Culprit, ok bool) {
	lines := strings.Split(report, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "goroutine 1 [") {
			start = i + 1
			break
		}
	}
	if start < 0 {
		return Culprit{}, false
	}
	for i := start; i+1 < len(lines) && lines[i] != ""; i++ {
		if !isInitFrame(lines[i]) {
			continue
		}
		m := cellFrame.FindStringSubmatch(lines[i+1])
		if m == nil {
			return Culprit{}, false // in the current cell, or not in a cell
		}
		id, _ := strconv.Atoi(m[1])
		line, _ := strconv.Atoi(m[2])
		return p.culprit(id, line)
	}
	return Culprit{}, false
}

// isInitFrame reports whether a crash report line is the call of package
// initialization code: main.init, an init func (main.init.0) or a function
// literal in either (main.init.func1, main.init.0.func1).
func isInitFrame(l string) bool {
	rest, ok := strings.CutPrefix(l, "main.init")
	return ok && (strings.HasPrefix(rest, "(") || strings.HasPrefix(rest, "."))
}

// culprit is the remembered declaration of cell id that holds line.
func (p *Program) culprit(id, line int) (Culprit, bool) {
	for _, d := range p.remembered {
		if d.Cell != id || line < d.Line || line > d.Line+strings.Count(d.Src, "\n") || len(d.Keys) == 0 {
			continue
		}
		if d.Kind != token.FUNC && d.Kind != token.VAR {
			return Culprit{}, false
		}
		key := d.Keys[0]
		name := userName(key)
		c := Culprit{What: d.Kind.String() + " " + name, Cell: id, Remove: name}
		for _, o := range p.remembered {
			if len(o.Keys) > 0 && o.Keys[0] != key && o.matches(name) {
				c.Remove = key // the name alone would remove others too
				break
			}
		}
		return c, true
	}
	return Culprit{}, false
}

// String describes c: "remembered func init from cell [3]".
func (c Culprit) String() string {
	return "remembered " + c.What + " from cell [" + strconv.Itoa(c.Cell) + "]"
}

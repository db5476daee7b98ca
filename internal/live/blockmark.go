package live

import (
	"go/ast"
	"go/token"
	gotypes "go/types"
	"strconv"
)

// A goroutine dump of the worker shows where the interpreter waits, not
// which line of a cell it runs, so a deadlock report could not say where
// each goroutine is stuck, nor a %trace chart which goroutine is which.
// blockMarkEdits puts a call of the worker's marker before each statement
// that may block (a send, a receive, a select, a range over a channel, a
// Lock, RLock or Wait call), and each go statement with another: the
// worker records the cell and line of the first kind per goroutine, the
// deadlock report names it, and while a cell is traced both go into the
// trace, where a goroutine created just after its parent's mark of a go
// statement is known by that line.
// The call goes on the statement's own line, so lines stay cell lines.

// blockMark is the function the worker gives live cells to record the cell
// and line a goroutine reached; the worker imports its package under this
// name.
const blockMark = "conclab_live.Line"

// goMark is the worker's function that marks a go statement: in a traced
// cell, the goroutine created next by the marking one was started there.
const goMark = "conclab_live.Go"

// blockMarkEdits returns the edits that mark root's blocking statements and
// go statements with cell, the execution count of the cell they are in.
// prefix is the length of the text before root's chunk in the parsed file;
// skip, when not nil, is a statement left alone (the expression whose
// value the cell shows).
func blockMarkEdits(fset *token.FileSet, info *gotypes.Info, root ast.Node, cell, prefix int, skip ast.Stmt) []edit {
	var edits []edit
	mark := func(list []ast.Stmt) {
		for _, st := range list {
			if _, isGo := st.(*ast.GoStmt); st == skip || !isGo && !blocks(info, st) {
				continue
			}
			at := fset.Position(st.Pos()).Offset - prefix
			line := fset.Position(st.Pos()).Line
			marker := blockMark
			if _, isGo := st.(*ast.GoStmt); isGo {
				marker = goMark
			}
			edits = append(edits, edit{at: at, end: at, text: marker + "(" + strconv.Itoa(cell) + ", " + strconv.Itoa(line) + "); "})
		}
	}
	ast.Inspect(root, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BlockStmt:
			mark(n.List)
		case *ast.CaseClause:
			mark(n.Body)
		case *ast.CommClause:
			mark(n.Body)
		}
		return true
	})
	return edits
}

// blocks reports whether st itself (not the blocks it holds, nor func
// literals) may wait for another goroutine.
func blocks(info *gotypes.Info, st ast.Stmt) bool {
	var own []ast.Node
	switch s := st.(type) {
	case *ast.LabeledStmt:
		return blocks(info, s.Stmt)
	case *ast.SelectStmt:
		return true
	case *ast.SendStmt:
		return true
	case *ast.IfStmt:
		own = []ast.Node{s.Init, s.Cond}
	case *ast.SwitchStmt:
		own = []ast.Node{s.Init, s.Tag}
	case *ast.ForStmt:
		own = []ast.Node{s.Init, s.Cond}
	case *ast.RangeStmt:
		if tv, ok := info.Types[s.X]; ok && tv.Type != nil {
			if _, ok := tv.Type.Underlying().(*gotypes.Chan); ok {
				return true
			}
		}
		own = []ast.Node{s.X}
	case *ast.BlockStmt, *ast.TypeSwitchStmt, *ast.CaseClause, *ast.CommClause:
		return false
	default:
		own = []ast.Node{st}
	}
	found := false
	for _, n := range own {
		if n == nil || found {
			continue
		}
		ast.Inspect(n, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.UnaryExpr:
				found = found || n.Op == token.ARROW
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
					switch sel.Sel.Name {
					case "Lock", "RLock", "Wait":
						found = true
					}
				}
			}
			return !found
		})
	}
	return found
}

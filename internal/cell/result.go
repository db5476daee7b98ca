package cell

import (
	"fmt"
	"go/ast"
	"go/token"
)

// A cell whose last statement is an expression that Go would reject as a
// statement ("6 * 7", "x", "len(s)") shows that expression's value, as a
// notebook user expects: Compose wraps it in a call that hands the value to
// the kernel, which publishes it as the cell's execute_result. Calls and
// receives are valid statements and run as written.

// ResultFD is the file descriptor on which a composed program writes the
// value of its last expression, when the environment variable ResultEnv says
// the kernel passed one.
const (
	ResultFD  = 3
	ResultEnv = "CONCLAB_RESULT_FD"
	// ResultFileEnv names a file to write the value to instead, for a
	// program started by a debugger, which passes on no descriptor but
	// stdin, stdout and stderr.
	ResultFileEnv = "CONCLAB_RESULT_FILE"
)

// valueSpan is where the expression to show stands in the cell: from
// (line, col) to (endLine, endCol), exclusive, 1-based. Lines and columns,
// not offsets, because Body keeps the cell's lines but not its length.
type valueSpan struct{ line, col, endLine, endCol int }

// lastValue finds the expression to show in a parsed body (a func whose
// body holds the cell's statements), given the length of the text before
// the cell in that file.
func lastValue(f *ast.File, prefix int, l *lines) *valueSpan {
	if len(f.Decls) == 0 {
		return nil
	}
	fn, ok := f.Decls[0].(*ast.FuncDecl)
	if !ok || fn.Body == nil || len(fn.Body.List) == 0 {
		return nil
	}
	es, ok := fn.Body.List[len(fn.Body.List)-1].(*ast.ExprStmt)
	if !ok || !showable(es.X) {
		return nil
	}
	off := func(p token.Pos) int { return int(p-f.FileStart) - prefix }
	line, col := l.pos(off(es.X.Pos()))
	endLine, endCol := l.pos(off(es.X.End()))
	return &valueSpan{line, col, endLine, endCol}
}

// valueBuiltins are the builtins whose call is not a valid statement: their
// value is the point.
var valueBuiltins = map[string]bool{
	"append": true, "cap": true, "complex": true, "imag": true, "len": true,
	"make": true, "max": true, "min": true, "new": true, "real": true,
}

// showable reports whether x, standing alone as a statement, is a value to
// show rather than code to run.
func showable(x ast.Expr) bool {
	switch x := ast.Unparen(x).(type) {
	case *ast.CallExpr:
		id, ok := ast.Unparen(x.Fun).(*ast.Ident)
		return ok && valueBuiltins[id.Name]
	case *ast.UnaryExpr:
		return x.Op != token.ARROW // <-ch is a valid statement: it runs
	}
	return true
}

// resultHelper is the generated function that sends a value to the kernel.
// Its imports have names of their own, so they never clash with the cell's.
func resultHelper() string {
	return fmt.Sprintf(`func conclabShowResult(v any) {
	var f *conclabos.File
	if conclabos.Getenv(%q) == "%d" {
		f = conclabos.NewFile(%d, "conclab-result")
	} else if p := conclabos.Getenv(%q); p != "" {
		var err error
		if f, err = conclabos.Create(p); err != nil {
			return
		}
	} else {
		return
	}
	if s, ok := v.(string); ok {
		conclabfmt.Fprintf(f, "%%q", s)
	} else {
		conclabfmt.Fprintf(f, "%%v", v)
	}
	f.Close()
}
`, ResultEnv, ResultFD, ResultFD, ResultFileEnv)
}

package schedtrace

import (
	"strconv"
	"strings"
)

// A Frame is a place in the program: a function and a source position.
type Frame struct {
	Func string // "main.worker", "sync.(*WaitGroup).Go.func1"
	File string
	Line int
}

// IsZero reports whether the frame is unknown.
func (f Frame) IsZero() bool { return f.Func == "" }

// pkgPath is the import path of the package a function belongs to:
// "main" for "main.worker", "github.com/x/y" for "github.com/x/y.(*T).M".
func pkgPath(fn string) string {
	slash := strings.LastIndexByte(fn, '/')
	dot := strings.IndexByte(fn[slash+1:], '.')
	if dot < 0 {
		return fn
	}
	return fn[:slash+1+dot]
}

// isRuntime reports whether fn belongs to the runtime: package runtime, its
// subpackages (runtime/trace), or the internal packages under it.
func isRuntime(fn string) bool {
	p := pkgPath(fn)
	return p == "runtime" || strings.HasPrefix(p, "runtime/") || strings.HasPrefix(p, "internal/")
}

// isStd reports whether fn belongs to the standard library: its import path
// has no dot in its first element, and it is not package main.
func isStd(fn string) bool {
	p := pkgPath(fn)
	if p == "main" {
		return false
	}
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// isClosure reports whether fn is a function literal ("main.main.func1",
// "main.worker.func2.1"), which is better named by where it was started.
func isClosure(fn string) bool {
	i := strings.LastIndex(fn, ".func")
	if i < 0 {
		return false
	}
	rest := strings.TrimLeft(fn[i+len(".func"):], "0123456789.")
	return rest == "" && i+len(".func") < len(fn)
}

// shortFunc drops the import path from a function name and the package
// name "main": "worker", "demos.(*Pool).Run.func1".
func shortFunc(fn string) string {
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		fn = fn[i+1:]
	}
	return strings.TrimPrefix(fn, "main.")
}

// programFrame picks, from a stack listed innermost first, the first frame
// in the program's own code rather than the standard library: for a
// goroutine started by wg.Go, the line of the cell that called wg.Go.
func programFrame(frames []Frame) Frame {
	for _, f := range frames {
		if !isStd(f.Func) {
			return f
		}
	}
	return Frame{}
}

// Label names the goroutine for a picture: "g1 main"; "g7 worker" for a
// named function outside the standard library; "g9 line 12" for a function
// literal, or a goroutine the standard library started for the program
// (wg.Go), by the place in package main that started it, which pos names;
// "g24 demos.concurrent" for one a library started, by the function that
// started it.
func (g *Goroutine) Label(pos func(file string, line int) string) string {
	id := "g" + strconv.FormatInt(g.ID, 10)
	fn := g.Start.Func
	switch {
	case g.Main():
		return id + " main"
	case fn != "" && !isStd(fn) && !isClosure(fn):
		return id + " " + shortFunc(fn)
	case !g.Creator.IsZero() && pkgPath(g.Creator.Func) != "main":
		return id + " " + shortFunc(g.Creator.Func)
	case !g.Creator.IsZero() && g.Creator.File != "":
		return id + " " + pos(g.Creator.File, g.Creator.Line)
	case fn != "":
		return id + " " + shortFunc(fn)
	}
	return id
}

package check

import (
	"bufio"
	"bytes"
	"runtime"
	"strconv"
	"strings"

	"github.com/conclab/conclab/internal/cellpos"
)

// A goroutine is one entry of a goroutine dump.
type goroutine struct {
	id    int64
	state string // as the dump says: "chan send", "running", "sync.Mutex.Lock"
	where string // the first place in the program's own code, named as the reader knows it
}

// blocked reports whether g waits for another goroutine: on a channel, a
// select or a lock. Running, runnable, sleeping (a timer will wake it) and
// system calls are not.
func (g goroutine) blocked() bool {
	s := g.state
	return strings.HasPrefix(s, "chan ") || strings.HasPrefix(s, "select") || strings.HasPrefix(s, "sync.") ||
		strings.HasPrefix(s, "semacquire") || s == "sync.Cond.Wait"
}

// moving reports whether g is on a CPU or waiting for one: it may end
// without anything else happening.
func (g goroutine) moving() bool { return g.state == "running" || g.state == "runnable" }

// String is "[chan send] at line 7".
func (g goroutine) String() string {
	if g.where == "" {
		return "[" + g.state + "]"
	}
	return "[" + g.state + "] at " + g.where
}

// goroutines returns the dump of every goroutine but the caller's.
func goroutines() []goroutine {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return parseDump(buf[:n])[1:] // the first is the caller
		}
		buf = make([]byte, 2*len(buf))
	}
}

// parseDump reads a dump in runtime.Stack's format: for each goroutine a
// header line "goroutine 7 [chan send, 2 minutes]:", then for each frame a
// function line and a tab-indented "file:line +0x1f" line, then perhaps
// "created by ...", separated by blank lines.
func parseDump(dump []byte) []goroutine {
	var out []goroutine
	sc := bufio.NewScanner(bytes.NewReader(dump))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var cur *goroutine
	fn := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "goroutine "):
			g, ok := parseHeader(line)
			if !ok {
				cur = nil
				continue
			}
			out = append(out, g)
			cur, fn = &out[len(out)-1], ""
		case cur == nil || line == "":
		case strings.HasPrefix(line, "\t"):
			if cur.where != "" || !ownCode(fn) {
				continue
			}
			file, lineNo := fileLine(strings.TrimPrefix(line, "\t"))
			if file != "" {
				cur.where, _ = cellpos.Name(file, lineNo)
			}
		default:
			fn = line
		}
	}
	return out
}

// parseHeader reads "goroutine 7 [chan send, 2 minutes]:".
func parseHeader(line string) (goroutine, bool) {
	rest := strings.TrimPrefix(line, "goroutine ")
	idText, rest, ok := strings.Cut(rest, " [")
	if !ok {
		return goroutine{}, false
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return goroutine{}, false
	}
	state, _, ok := strings.Cut(rest, "]")
	if !ok {
		return goroutine{}, false
	}
	state, _, _ = strings.Cut(state, ",") // drop ", 2 minutes", ", locked to thread"
	return goroutine{id: id, state: state}, true
}

// fileLine reads "/path/file.go:12 +0x1f".
func fileLine(s string) (string, int) {
	s, _, _ = strings.Cut(s, " ")
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", 0
	}
	n, err := strconv.Atoi(s[i+1:])
	if err != nil {
		return "", 0
	}
	return s[:i], n
}

// ownCode reports whether a dump's function line is in the program's own
// code: not the standard library (whose import paths have no dot in their
// first element), not this package, and not "created by" lines.
func ownCode(fnLine string) bool {
	if fnLine == "" || strings.HasPrefix(fnLine, "created by ") {
		return false
	}
	name := fnLine
	if i := strings.LastIndexByte(name, '('); i > 0 {
		name = name[:i]
	}
	if strings.HasPrefix(name, "main.") {
		return true
	}
	if strings.HasPrefix(name, thisPackage+".") || strings.HasPrefix(name, interpreter) {
		return false
	}
	// The package path ends at the first dot after the last slash:
	// "sync.(*Mutex).Lock" is in sync, "github.com/a/b.(*T).M" in
	// github.com/a/b.
	pkg := name
	slash := strings.LastIndexByte(name, '/')
	if dot := strings.IndexByte(name[slash+1:], '.'); dot >= 0 {
		pkg = name[:slash+1+dot]
	}
	first, _, _ := strings.Cut(pkg, "/")
	return strings.Contains(first, ".")
}

// interpreter is the prefix of the live interpreter's functions: in a live
// cell they stand where the cell's code is, and their files are yaegi's.
const interpreter = "github.com/traefik/yaegi/"

// thisPackage is this package's import path, as dumps name its functions.
const thisPackage = "github.com/conclab/conclab/check"

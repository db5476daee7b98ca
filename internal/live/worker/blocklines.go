package worker

import (
	"bytes"
	"reflect"
	"runtime"
	"strconv"
	"sync"

	"github.com/traefik/yaegi/interp"
)

// blockLines records, per goroutine, the cell line of the last statement
// that could block it: prepare puts a call of Line before each such
// statement (see blockMarkEdits in package live), since the goroutine dumps
// of the worker show where the interpreter waits, not which cell line it
// runs.
type blockLines struct {
	mu    sync.Mutex
	lines map[int64]int
}

// markImport makes the marker callable in cells, as conclab_live.Line.
const markImport = `import conclab_live "conclab/marks"`

func newBlockLines() *blockLines { return &blockLines{lines: map[int64]int{}} }

// symbols is the package cells call the marker in.
func (b *blockLines) symbols() interp.Exports {
	return interp.Exports{"conclab/marks/conclab_live": {
		"Line": reflect.ValueOf(b.mark),
	}}
}

// mark records that the calling goroutine reached line.
func (b *blockLines) mark(line int) {
	id := goroutineID()
	b.mu.Lock()
	b.lines[id] = line
	b.mu.Unlock()
}

// line returns the line goroutine id last reached, or 0.
func (b *blockLines) line(id int64) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lines[id]
}

// pruneAt is the number of goroutines recorded past which prune looks
// for those that ended.
const pruneAt = 1024

// prune forgets the goroutines that ended, once there are many recorded.
func (b *blockLines) prune(g *goroutines) {
	b.mu.Lock()
	n := len(b.lines)
	b.mu.Unlock()
	if n < pruneAt {
		return
	}
	ids := map[int64]bool{}
	for _, st := range g.dump() {
		ids[st.id] = true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for id := range b.lines {
		if !ids[id] {
			delete(b.lines, id)
		}
	}
}

// goroutineID reads the calling goroutine's id from its stack's header.
func goroutineID() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	rest, _ := bytes.CutPrefix(buf[:n], []byte("goroutine "))
	num, _, _ := bytes.Cut(rest, []byte(" "))
	id, _ := strconv.ParseInt(string(num), 10, 64) // 0 if unreadable: then no line is shown
	return id
}

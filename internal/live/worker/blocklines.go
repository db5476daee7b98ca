package worker

import (
	"bytes"
	"context"
	"maps"
	"reflect"
	"runtime"
	"runtime/trace"
	"strconv"
	"sync"

	"github.com/conclab/conclab/internal/live/internal/liveproto"
	"github.com/traefik/yaegi/interp"
)

// blockLines records, per goroutine, the cell and line of the last
// statement that could block it or started a goroutine: prepare puts a
// call of Line before each such statement (see blockMarkEdits in package
// live), since the goroutine dumps of the worker show where the
// interpreter waits, not which cell line it runs. While a cell is traced,
// each mark also goes into the trace.
type blockLines struct {
	mu    sync.Mutex
	lines map[int64]liveproto.Place
}

// markImport makes the marker callable in cells, as conclab_live.Line.
const markImport = `import conclab_live "conclab/marks"`

func newBlockLines() *blockLines { return &blockLines{lines: map[int64]liveproto.Place{}} }

// symbols is the package cells call the marker in.
func (b *blockLines) symbols() interp.Exports {
	return interp.Exports{"conclab/marks/conclab_live": {
		"Line": reflect.ValueOf(b.mark),
		"Go":   reflect.ValueOf(goMark),
	}}
}

// mark records that the calling goroutine reached line of cell.
func (b *blockLines) mark(cell, line int) {
	if trace.IsEnabled() {
		trace.Log(context.Background(), liveproto.TraceCategory, strconv.Itoa(cell)+":"+strconv.Itoa(line))
	}
	id := goroutineID()
	b.mu.Lock()
	b.lines[id] = liveproto.Place{Cell: cell, Line: line}
	b.mu.Unlock()
}

// goMark marks the go statement at line of cell that the calling goroutine
// is about to run: only a trace keeps it, for the goroutine it starts.
func goMark(cell, line int) {
	if trace.IsEnabled() {
		trace.Log(context.Background(), liveproto.TraceCategory, liveproto.TraceGoPrefix+strconv.Itoa(cell)+":"+strconv.Itoa(line))
	}
}

// place returns where goroutine id last was marked; zero if never.
func (b *blockLines) place(id int64) liveproto.Place {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.lines[id]
}

// places returns every goroutine's last mark.
func (b *blockLines) places() map[int64]liveproto.Place {
	b.mu.Lock()
	defer b.mu.Unlock()
	return maps.Clone(b.lines)
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

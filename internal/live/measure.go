package live

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/live/internal/liveproto"
	"github.com/conclab/conclab/internal/schedtrace"
	"github.com/conclab/conclab/internal/schedview"
)

// %time and %trace in live cells: the worker measures the window of the
// cell's run (see measure in package worker), and the Engine reports it.
// A traced cell's trace holds the whole worker: the interpreter's own
// goroutines are left out of the picture, the goroutines of live cells
// (this one's and those earlier cells left running) are kept, and lanes
// are named by cell lines, since the stacks show the interpreter, not the
// cell.

// maxTraceEvents bounds the events read from a live cell's trace, as for
// compiled cells: what the kernel keeps grows with them.
const maxTraceEvents = 250_000

// yaegiFrames starts the functions of the interpreter: a goroutine that it
// started (for an interpreted go statement, or to run a cell) is a cell's.
const yaegiFrames = "github.com/traefik/yaegi/interp."

// cellRunner is the interpreter's function that starts the goroutine
// running a cell.
const cellRunner = yaegiFrames + "(*Interpreter).ExecuteWithContext"

// newTraceFile names a fresh file in dir (the system's temporary directory
// when "") for the worker's trace.
func newTraceFile(dir string) (string, error) {
	f, err := os.CreateTemp(dir, "conclab-live-*.trace")
	if err != nil {
		return "", fmt.Errorf("live %%trace: %w", err)
	}
	f.Close()
	return f.Name(), nil
}

// reportTime shows %time's line for a live cell.
func reportTime(out engine.Output, t *liveproto.Timing) {
	note := ""
	if t.RSSSinceStart {
		note = " (the live session's peak since it started)"
	}
	out.Stream("stdout", engine.TimeReport(t.Wall, t.User, t.Sys, t.MaxRSS, note))
}

// reportTrace reads the trace the worker wrote at path and shows it (the
// caller removes the file).
func reportTrace(out engine.Output, path, title string, cellID int, info *liveproto.TraceInfo) {
	if info == nil {
		out.Stream("stderr", "conclab: %trace: the live worker sent no trace\n")
		return
	}
	if info.Err != "" {
		out.Stream("stderr", "conclab: %trace: the cell ran untraced: "+info.Err+"\n")
		return
	}
	f, err := os.Open(path)
	if err != nil {
		out.Stream("stderr", "conclab: %trace: "+err.Error()+"\n")
		return
	}
	defer f.Close()
	tr, err := schedtrace.Read(f, schedtrace.Options{MaxEvents: maxTraceEvents, LogCategory: liveproto.TraceCategory})
	if err != nil {
		out.Stream("stderr", "conclab: %trace: "+err.Error()+"\n")
		return
	}
	keepCells(tr, info)
	var notes []string
	if tr.Limited {
		notes = append(notes, fmt.Sprintf("the picture shows the first %s of the cell, its first %d events: "+
			"%%trace takes in at most %d events to keep the kernel's memory bounded", schedview.Span(tr), tr.Events, maxTraceEvents))
	}
	notes = append(notes, "a live cell: the trace spans the cell's own run, with the goroutines of earlier cells that were there; "+
		"the interpreter's work counts as the goroutines' running time, and it waits for a channel in a select "+
		"(so that it can stop the cell), so channel waits show as select")
	if title == "" {
		title = "%trace: the scheduler's view of this live cell"
	}
	schedview.Show(out, tr, notes, schedview.Options{Title: title, Label: cellLabels(tr, info, cellID)})
}

// keepCells leaves in tr only the goroutines of live cells: those that
// existed when the trace began, those the interpreter started while it ran,
// and those these started.
func keepCells(tr *schedtrace.Trace, info *liveproto.TraceInfo) {
	keep := map[int64]bool{}
	for _, id := range info.Goroutines {
		keep[id] = true
	}
	// Goroutines are in ID order, so a parent comes before its children.
	var kept []*schedtrace.Goroutine
	for _, g := range tr.Goroutines {
		if keep[g.ID] || strings.HasPrefix(g.Creator.Func, yaegiFrames) || strings.HasPrefix(g.Start.Func, yaegiFrames) ||
			(g.Parent != 0 && keep[g.Parent]) {
			keep[g.ID] = true
			kept = append(kept, g)
		}
	}
	tr.Hidden += len(tr.Goroutines) - len(kept)
	tr.Goroutines = kept
}

// cellLabels names a live cell's goroutines by cell lines: the cell's own
// goroutine "g12 the cell", one started while tracing by the line of the go
// statement that started it ("g14 line 5"), one of an earlier cell by
// where it last was ("g9 cell [3] line 7"), else by its first mark in the
// trace, or by its parent ("g15, started by g12": a library's goroutine).
// The marks the worker's rewrites leave (Line, Go) say where.
func cellLabels(tr *schedtrace.Trace, info *liveproto.TraceInfo, cellID int) func(*schedtrace.Goroutine) string {
	logs := map[int64][]schedtrace.Log{}
	for _, l := range tr.Logs {
		logs[l.G] = append(logs[l.G], l)
	}
	where := func(p liveproto.Place) string {
		if p.Cell == cellID {
			return "line " + strconv.Itoa(p.Line)
		}
		return "cell [" + strconv.Itoa(p.Cell) + "] line " + strconv.Itoa(p.Line)
	}
	// The interpreter runs a cell's parts (its imports, declarations and
	// statements) each in a goroutine of its own, one after another: in
	// the order they began (goroutine IDs come from per-P caches, so
	// their order is not that of creation).
	var runners []*schedtrace.Goroutine
	for _, g := range tr.Goroutines {
		if g.Creator.Func == cellRunner {
			runners = append(runners, g)
		}
	}
	began := func(g *schedtrace.Goroutine) time.Duration {
		if len(g.Intervals) == 0 {
			return 0
		}
		return g.Intervals[0].Start
	}
	slices.SortStableFunc(runners, func(a, b *schedtrace.Goroutine) int { return cmp.Compare(began(a), began(b)) })
	parts := make([]int64, len(runners))
	for i, g := range runners {
		parts[i] = g.ID
	}
	return func(g *schedtrace.Goroutine) string {
		id := "g" + strconv.FormatInt(g.ID, 10)
		switch {
		case g.Creator.Func == cellRunner && len(parts) == 1:
			return id + " the cell"
		case g.Creator.Func == cellRunner:
			return fmt.Sprintf("%s the cell, part %d of %d", id, slices.Index(parts, g.ID)+1, len(parts))
		case g.Created && g.Parent != 0:
			// The parent's last mark before the child began, when it is
			// that of a go statement, is where it was started.
			born := time.Duration(0)
			if len(g.Intervals) > 0 {
				born = g.Intervals[0].Start
			}
			ls := logs[g.Parent]
			i, _ := slices.BinarySearchFunc(ls, born, func(l schedtrace.Log, at time.Duration) int { return cmp.Compare(l.At, at) })
			if p, isGo, ok := parsePlace(ls, i-1); ok && isGo {
				return id + " " + where(p)
			}
		case info.Places[g.ID].Line > 0:
			return id + " " + where(info.Places[g.ID])
		}
		for i := range logs[g.ID] {
			if p, isGo, ok := parsePlace(logs[g.ID], i); ok && !isGo {
				return id + " " + where(p)
			}
		}
		if g.Parent != 0 && g.Created {
			return id + ", started by g" + strconv.FormatInt(g.Parent, 10)
		}
		return id
	}
}

// parsePlace reads the place of ls[i], a mark's log "cell:line", and
// whether it marks a go statement.
func parsePlace(ls []schedtrace.Log, i int) (p liveproto.Place, isGo, ok bool) {
	if i < 0 || i >= len(ls) {
		return p, false, false
	}
	msg, isGo := strings.CutPrefix(ls[i].Message, liveproto.TraceGoPrefix)
	c, l, found := strings.Cut(msg, ":")
	cell, err1 := strconv.Atoi(c)
	line, err2 := strconv.Atoi(l)
	if !found || err1 != nil || err2 != nil {
		return p, false, false
	}
	return liveproto.Place{Cell: cell, Line: line}, isGo, true
}

package schedtrace

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"golang.org/x/exp/trace"
)

// gKind says how a goroutine is recorded.
type gKind uint8

const (
	programG gKind = iota // one of the program's: intervals and P slices
	runtimeG              // the runtime's: P slices only
	hiddenG               // Options.Hide: nothing
)

// gState is what the builder knows of a goroutine.
type gState struct {
	id       int64
	kind     gKind
	gcWorker bool
	rec      *Goroutine // programG only

	goState trace.GoState // as the trace last said
	state   State         // what the goroutine does since `since`
	since   time.Duration
	onP     int64 // the P it runs on, or -1
	assist  bool  // inside a GC mark assist
}

// pState is what the builder knows of a P.
type pState struct {
	rec  *Proc
	open bool
	cur  Slice
}

// builder turns the event stream into a Trace.
type builder struct {
	opt    Options
	t      *Trace
	gs     map[int64]*gState
	ps     map[int64]*pState
	t0     trace.Time
	now    time.Duration
	events int

	markOpen  bool
	markStart time.Duration
	stw       map[int64]Span // open stop-the-world pauses by goroutine
	seenG     map[int64]bool
	// unknown are the goroutines of the program whose start function the
	// trace has not told yet: those already runnable or running when it
	// began. The first stack one of them records tells.
	unknown map[int64]*gState
	dropped map[int64]bool // recorded as the program's, then found to be the runtime's
	seq     int            // the next Goroutine.Seq

	// Slabs the per-goroutine records are cut from: a trace of 100,000
	// goroutines would otherwise cost as many allocations of each.
	gSlab   []gState
	recSlab []Goroutine
	ivSlab  []Interval
}

// slabSize is how many records one slab allocation holds.
const slabSize = 512

// firstIntervals is how many intervals a goroutine's record has room for
// before it grows on its own.
const firstIntervals = 4

// newGState returns a zeroed gState from the slab.
func (b *builder) newGState() *gState {
	if len(b.gSlab) == 0 {
		b.gSlab = make([]gState, slabSize)
	}
	g := &b.gSlab[0]
	b.gSlab = b.gSlab[1:]
	return g
}

// newRecord returns a Goroutine record from the slab, with room for its
// first intervals.
func (b *builder) newRecord() *Goroutine {
	if len(b.recSlab) == 0 {
		b.recSlab = make([]Goroutine, slabSize)
	}
	if len(b.ivSlab) < firstIntervals {
		b.ivSlab = make([]Interval, slabSize*firstIntervals)
	}
	r := &b.recSlab[0]
	b.recSlab = b.recSlab[1:]
	r.Intervals = b.ivSlab[:0:firstIntervals] // appending past the room copies, never overwrites a neighbor
	b.ivSlab = b.ivSlab[firstIntervals:]
	return r
}

func newBuilder(opt Options) *builder {
	return &builder{opt: opt, t: &Trace{}, gs: map[int64]*gState{}, ps: map[int64]*pState{},
		stw: map[int64]Span{}, seenG: map[int64]bool{}, unknown: map[int64]*gState{}, dropped: map[int64]bool{}}
}

// event applies one trace event.
func (b *builder) event(ev trace.Event) {
	if ev.Kind() == trace.EventSync {
		return
	}
	if b.events == 0 {
		b.t0 = ev.Time()
	}
	b.events++
	b.now = max(b.now, time.Duration(ev.Time()-b.t0))
	if len(b.unknown) > 0 && !b.opt.NoStacks {
		if g := b.unknown[int64(ev.Goroutine())]; g != nil && ownStack(ev) {
			b.learnStart(g, ev.Stack())
		}
	}
	switch ev.Kind() {
	case trace.EventStateTransition:
		st := ev.StateTransition()
		switch st.Resource.Kind {
		case trace.ResourceGoroutine:
			b.goroutine(ev, st)
		case trace.ResourceProc:
			b.proc(st)
		}
	case trace.EventRangeBegin, trace.EventRangeActive, trace.EventRangeEnd:
		b.rangeEvent(ev)
	case trace.EventLog:
		if b.opt.LogCategory != "" {
			if l := ev.Log(); l.Category == b.opt.LogCategory {
				b.t.Logs = append(b.t.Logs, Log{At: b.now, G: int64(ev.Goroutine()), Message: l.Message})
			}
		}
	case trace.EventMetric:
		if m := ev.Metric(); m.Name == "/sched/gomaxprocs:threads" && m.Value.Kind() == trace.ValueUint64 {
			b.t.GOMAXPROCS = max(b.t.GOMAXPROCS, int(min(m.Value.Uint64(), 1<<20)))
		}
	}
}

// goroutine applies a goroutine state transition.
func (b *builder) goroutine(ev trace.Event, st trace.StateTransition) {
	id := int64(st.Resource.Goroutine())
	from, to := st.Goroutine()
	g := b.gs[id]
	first := g == nil
	if first {
		g = b.newG(id, ev, st, from)
	} else if to == g.goState {
		// A new generation, or the end of the trace, restates what every
		// goroutine is doing: nothing new, and no reason given.
		return
	}
	g.goState = to
	if g.kind == hiddenG {
		if to == trace.GoNotExist {
			delete(b.gs, id)
		}
		return
	}
	switch to {
	case trace.GoNotExist:
		b.leaveP(g)
		b.setState(g, g.state) // close the last interval
		if g.rec != nil {
			g.rec.Ended = true
		}
		delete(b.gs, id)
	case trace.GoRunnable:
		b.leaveP(g)
		b.setState(g, Runnable)
	case trace.GoWaiting:
		b.leaveP(g)
		s := reasonState(st.Reason)
		switch {
		case st.Reason == "" && from == trace.GoUndetermined && !b.opt.NoStacks:
			s = stackState(funcsOf(st.Stack))
		case s == Sync && waitsForGC(st.Stack):
			// The runtime waits for a GC to start or finish on its own
			// semaphores, which the trace calls "sync" like a Mutex.
			s = GC
		}
		if first && from == trace.GoUndetermined {
			// The runtime reports a waiting goroutine's status only when
			// something happens to it: first reported now, it has been
			// blocked so since before the trace began.
			g.state, g.since = s, 0
		}
		b.setState(g, s)
	case trace.GoRunning:
		b.setState(g, g.runningState())
		b.enterP(g, int64(ev.Proc()))
	case trace.GoSyscall:
		b.setState(g, Syscall)
		b.enterP(g, int64(ev.Proc()))
	}
}

// runningState is what a running goroutine is doing: its own work, or the
// GC's (a GC worker, or one of the program's paying a mark assist).
func (g *gState) runningState() State {
	switch {
	case g.gcWorker:
		return GC
	case g.assist:
		return Assist
	}
	return Running
}

// sliceState is what g's time on a P counts as.
func (g *gState) sliceState() State {
	switch {
	case g.state == Syscall:
		return Syscall
	case g.kind == runtimeG && !g.gcWorker:
		return Runtime
	}
	return g.state
}

// newG records a goroutine seen for the first time: created now, or already
// there when the trace began.
func (b *builder) newG(id int64, ev trace.Event, st trace.StateTransition, from trace.GoState) *gState {
	g := b.newGState()
	*g = gState{id: id, onP: -1, since: b.now, goState: from}
	b.gs[id] = g
	created := from == trace.GoNotExist
	if b.opt.NoStacks {
		if created && isRuntime(firstFunc(st.Stack)) {
			// A GC worker, the trace reader, ...: the runtime's, even when
			// one of the program's goroutines started it. The function it
			// starts in is the one frame read.
			g.kind = runtimeG
			g.gcWorker = firstFunc(st.Stack) == "runtime.gcBgMarkWorker"
			return g
		}
		if !b.seenG[id] {
			b.seenG[id] = true
			g.rec = b.newRecord()
			g.rec.ID, g.rec.Created, g.rec.Seq = id, created, b.seq
			b.seq++
			if p := ev.Goroutine(); created && p != trace.NoGoroutine {
				g.rec.Parent = int64(p)
			}
			b.t.Goroutines = append(b.t.Goroutines, g.rec)
		}
		return g
	}
	frames := framesOf(st.Stack)
	var start Frame
	switch {
	case created && len(frames) > 0:
		start = frames[0] // a new goroutine's stack is where it starts
	case len(frames) > 0:
		start = frames[len(frames)-1] // the outermost frame of a running stack
	}
	switch {
	case id == 1 || start.Func == "runtime.main":
		// The main goroutine starts in runtime.main, which calls main.main.
		start = Frame{Func: "main.main"}
		if len(frames) > 1 && frames[len(frames)-2].Func == "main.main" {
			start = frames[len(frames)-2]
		}
	case start.Func != "" && b.opt.Hide != nil && b.opt.Hide(start.Func):
		g.kind = hiddenG
	case start.Func != "" && isRuntime(start.Func):
		g.kind = runtimeG
		g.gcWorker = start.Func == "runtime.gcBgMarkWorker"
	}
	if b.seenG[id] {
		return g // a goroutine restated after the builder dropped it: count it once
	}
	b.seenG[id] = true
	switch g.kind {
	case hiddenG:
		b.t.Hidden++
	case runtimeG:
		b.t.RuntimeGoroutines++
	default:
		g.rec = b.newRecord()
		g.rec.ID, g.rec.Start, g.rec.Created, g.rec.Seq = id, start, created, b.seq
		b.seq++
		if created {
			g.rec.Creator = programFrame(framesOf(ev.Stack()))
			if p := ev.Goroutine(); p != trace.NoGoroutine {
				g.rec.Parent = int64(p)
			}
		}
		if start.Func == "" {
			b.unknown[id] = g
		}
		if from == trace.GoWaiting {
			// First seen leaving a wait, with no status report before: a
			// goroutine blocked since before the trace began, for a
			// reason the trace does not give.
			g.state, g.since = Other, 0
		}
		b.t.Goroutines = append(b.t.Goroutines, g.rec)
	}
	return g
}

// learnStart classifies a goroutine found running or runnable when the
// trace began, from the first stack it records: its outermost frame is the
// function it started in. A goroutine of the runtime or a hidden one is
// taken out of the program's.
func (b *builder) learnStart(g *gState, s trace.Stack) {
	frames := framesOf(s)
	if len(frames) == 0 {
		return
	}
	delete(b.unknown, g.id)
	start := frames[len(frames)-1]
	switch {
	case b.opt.Hide != nil && b.opt.Hide(start.Func):
		g.kind = hiddenG
		b.t.Hidden++
	case isRuntime(start.Func):
		g.kind = runtimeG
		g.gcWorker = start.Func == "runtime.gcBgMarkWorker"
		b.t.RuntimeGoroutines++
	default:
		g.rec.Start = start
		return
	}
	b.dropped[g.id] = true
	g.rec = nil
}

// setState closes g's current interval and starts one in state s.
func (b *builder) setState(g *gState, s State) {
	if g.rec != nil && b.now > g.since {
		ivs := g.rec.Intervals
		if n := len(ivs); n > 0 && ivs[n-1].State == g.state && ivs[n-1].End == g.since {
			ivs[n-1].End = b.now
		} else {
			g.rec.Intervals = append(ivs, Interval{Start: g.since, End: b.now, State: g.state})
		}
	}
	if s != g.state || b.now > g.since {
		g.state, g.since = s, b.now
	}
}

// enterP puts g on P p (p < 0: the event had no P, as for a goroutine that
// enters Go from a thread the runtime did not start).
func (b *builder) enterP(g *gState, p int64) {
	if g.onP >= 0 && g.onP != p {
		b.leaveP(g)
	}
	if p < 0 || g.kind == hiddenG {
		return
	}
	ps := b.pstate(p)
	s := g.sliceState()
	if ps.open && ps.cur.G == g.id && ps.cur.State == s {
		g.onP = p
		return
	}
	b.closeP(ps)
	ps.open, ps.cur = true, Slice{Start: b.now, G: g.id, State: s}
	g.onP = p
}

// leaveP takes g off the P it runs on.
func (b *builder) leaveP(g *gState) {
	if g.onP < 0 {
		return
	}
	if ps := b.ps[g.onP]; ps != nil && ps.open && ps.cur.G == g.id {
		b.closeP(ps)
	}
	g.onP = -1
}

// closeP ends the slice P ps is running, if any.
func (b *builder) closeP(ps *pState) {
	if !ps.open {
		return
	}
	ps.open = false
	if b.now > ps.cur.Start {
		s := ps.cur
		s.End = b.now
		ps.rec.Slices = append(ps.rec.Slices, s)
	}
}

func (b *builder) pstate(p int64) *pState {
	ps := b.ps[p]
	if ps == nil {
		ps = &pState{rec: &Proc{ID: p}}
		b.ps[p] = ps
	}
	return ps
}

// proc applies a P state transition: a P that stops or is taken from a
// goroutine in a system call runs nothing from now on.
func (b *builder) proc(st trace.StateTransition) {
	_, to := st.Proc()
	if to == trace.ProcRunning {
		return // its slices begin when a goroutine starts on it
	}
	ps := b.ps[int64(st.Resource.Proc())]
	if ps == nil || !ps.open {
		return
	}
	if g := b.gs[ps.cur.G]; g != nil && g.onP == ps.rec.ID {
		g.onP = -1 // in a system call, and now without a P
	}
	b.closeP(ps)
}

// rangeEvent follows GC mark phases, mark assists and stop-the-world pauses.
func (b *builder) rangeEvent(ev trace.Event) {
	r := ev.Range()
	begin := ev.Kind() != trace.EventRangeEnd
	switch {
	case r.Name == "GC concurrent mark phase":
		switch {
		case begin && !b.markOpen:
			b.markOpen, b.markStart = true, b.now
		case !begin && b.markOpen:
			b.markOpen = false
			b.t.GCMark = append(b.t.GCMark, Span{Start: b.markStart, End: b.now, Name: "GC mark"})
		}
	case r.Name == "GC mark assist" && r.Scope.Kind == trace.ResourceGoroutine:
		g := b.gs[int64(r.Scope.Goroutine())]
		if g == nil || g.assist == begin {
			return
		}
		g.assist = begin
		if g.goState == trace.GoRunning && g.kind != hiddenG {
			b.setState(g, g.runningState())
			b.enterP(g, g.onP)
		}
	case strings.HasPrefix(r.Name, "stop-the-world"):
		key := int64(ev.Goroutine())
		if begin {
			if _, open := b.stw[key]; !open {
				b.stw[key] = Span{Start: b.now, Name: r.Name}
			}
			return
		}
		if s, open := b.stw[key]; open {
			s.End = b.now
			b.t.STW = append(b.t.STW, s)
			delete(b.stw, key)
		}
	}
}

// finish closes what is still open at the last event and returns the trace.
func (b *builder) finish(incomplete string) *Trace {
	for _, id := range slices.Sorted(maps.Keys(b.gs)) {
		g := b.gs[id]
		b.leaveP(g)
		if g.kind == programG {
			b.setState(g, g.state)
		}
	}
	for _, ps := range b.ps {
		b.closeP(ps)
		if len(ps.rec.Slices) > 0 {
			b.t.Procs = append(b.t.Procs, ps.rec)
		}
	}
	if b.markOpen {
		b.t.GCMark = append(b.t.GCMark, Span{Start: b.markStart, End: b.now, Name: "GC mark"})
	}
	for _, s := range b.stw {
		s.End = b.now
		b.t.STW = append(b.t.STW, s)
	}
	if len(b.dropped) > 0 {
		b.t.Goroutines = slices.DeleteFunc(b.t.Goroutines, func(g *Goroutine) bool { return b.dropped[g.ID] })
		for _, p := range b.t.Procs {
			for i := range p.Slices {
				if s := &p.Slices[i]; b.dropped[s.G] && s.State == Running {
					s.State = Runtime
				}
			}
		}
	}
	slices.SortFunc(b.t.STW, func(a, c Span) int { return cmp.Compare(a.Start, c.Start) })
	slices.SortFunc(b.t.Procs, func(a, c *Proc) int { return cmp.Compare(a.ID, c.ID) })
	slices.SortFunc(b.t.Goroutines, func(a, c *Goroutine) int { return cmp.Compare(a.ID, c.ID) })
	b.t.Span, b.t.Events, b.t.Incomplete = b.now, b.events, incomplete
	return b.t
}

// ownStack reports whether ev's stack is that of the goroutine it happened
// on: not so for a status report about another goroutine.
func ownStack(ev trace.Event) bool {
	if ev.Kind() != trace.EventStateTransition {
		return true
	}
	st := ev.StateTransition()
	if st.Resource.Kind != trace.ResourceGoroutine {
		return true
	}
	from, _ := st.Goroutine()
	return st.Resource.Goroutine() == ev.Goroutine() || from == trace.GoNotExist
}

// framesOf lists a stack's frames, innermost first.
func framesOf(s trace.Stack) []Frame {
	if s == trace.NoStack {
		return nil
	}
	var out []Frame
	for f := range s.Frames() {
		out = append(out, Frame{Func: f.Func, File: f.File, Line: int(min(f.Line, 1<<31-1))})
	}
	return out
}

// firstFunc is the innermost function of a stack, or "".
func firstFunc(s trace.Stack) string {
	if s == trace.NoStack {
		return ""
	}
	top := ""
	for f := range s.Frames() {
		top = f.Func
		break
	}
	return top
}

// funcsOf lists the function names of a stack, innermost first.
func funcsOf(s trace.Stack) []string {
	var out []string
	for _, f := range framesOf(s) {
		out = append(out, f.Func)
	}
	return out
}

package demos

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/conclab/conclab/internal/schedtrace"
)

// sourceTrace is Recording.StateSource for states from the Go runtime.
const sourceTrace = "Go execution trace"

// cpuLag is how far the process's CPU time can lag behind for each thread
// that was on a CPU when it was read: the kernel brings it up to date at
// each scheduler tick (every 10 ms at 100 Hz, the slowest usual setting).
const cpuLag = 10 * time.Millisecond

// A binder names the goroutine that ran a task, given the run's own
// goroutine (runner), the goroutines the runner created during the run in
// the order it created them, and the goroutines that logged a task's start
// by task ID. It returns 0 when it cannot tell.
type binder func(t *Task, runner int64, created []int64, logged map[int]int64) int64

// Binders of the runners.
var (
	// bindCreated: task i ran on the i-th goroutine the runner created.
	bindCreated binder = func(t *Task, _ int64, created []int64, _ map[int]int64) int64 {
		if t.ID >= 0 && t.ID < len(created) {
			return created[t.ID]
		}
		return 0
	}
	// bindRunner: every task ran on the runner itself.
	bindRunner binder = func(_ *Task, runner int64, _ []int64, _ map[int]int64) int64 { return runner }
	// bindLogged: a task ran on the goroutine that logged its start.
	bindLogged binder = func(t *Task, _ int64, _ []int64, logged map[int]int64) int64 { return logged[t.ID] }
)

// bindWorkers: task i ran on the worker goroutine worker[i] names, in the
// order the runner created its workers.
func bindWorkers(worker []int32) binder {
	return func(t *Task, _ int64, created []int64, _ map[int]int64) int64 {
		if t.ID < 0 || t.ID >= len(worker) {
			return 0
		}
		if w := int(worker[t.ID]); w < len(created) {
			return created[w]
		}
		return 0
	}
}

// resolveStates fills the tasks' Goroutines from the run's execution trace,
// or notes on the recording why it cannot.
func resolveStates(rec *Recording, s *traceSession, data []byte, bind binder) {
	note := func(why string) { rec.Notes = append(rec.Notes, "states not recorded: "+why) }
	if data == nil {
		if s.err != nil {
			note(s.err.Error())
		}
		return
	}
	tr, err := schedtrace.Read(bytes.NewReader(data), schedtrace.Options{LogCategory: logCategory, NoStacks: true})
	if err != nil {
		note(err.Error())
		return
	}
	var anchor *schedtrace.Log
	logged := map[int]int64{}
	taskPrefix := s.id + " task "
	for i := range tr.Logs {
		l := &tr.Logs[i]
		switch {
		case l.Message == s.id && anchor == nil:
			anchor = l
		case strings.HasPrefix(l.Message, taskPrefix):
			if id, err := strconv.Atoi(l.Message[len(taskPrefix):]); err == nil {
				logged[id] = l.G
			}
		}
	}
	if anchor == nil || anchor.G == 0 {
		note("the execution trace lost the run's start (it keeps the last 128 MB)")
		return
	}
	at := anchor.At // the run's clock starts here on the trace's clock
	fam := newFamily(tr, anchor.G, at)
	var ran time.Duration
	var slab []Goroutine // most tasks run on one goroutine: their records share allocations
	for i := range rec.Tasks {
		t := &rec.Tasks[i]
		g := bind(t, anchor.G, fam.created, logged)
		if g == 0 {
			continue
		}
		from, to := t.Start+at, t.End+at
		for _, id := range fam.tree(g, from, to) {
			if spans := fam.spans(id, from, to, at); len(spans) > 0 {
				if t.Goroutines == nil {
					if len(slab) == 0 {
						slab = make([]Goroutine, 256)
					}
					t.Goroutines, slab = slab[:0:1], slab[1:]
				}
				t.Goroutines = append(t.Goroutines, Goroutine{ID: id, States: spans})
				for _, s := range spans {
					if s.State == StateRunning {
						ran += s.End - s.Start
					}
				}
			}
		}
	}
	rec.StateSource = sourceTrace
	// The Go scheduler counts a goroutine running while it holds a P; the
	// OS may still make its thread wait for a core. When the running time
	// passes the CPU time the OS gave, say so.
	if rec.CPU > 0 && ran > rec.CPU+rec.CPU/10 && ran-rec.CPU > cpuLag*time.Duration(max(rec.GOMAXPROCS, 1)) {
		rec.Notes = append(rec.Notes, fmt.Sprintf("the goroutines held a P for %s but the process got only %s of CPU time: "+
			"other programs competed for the cores (or GOMAXPROCS is above them), so part of \"running\" was spent waiting for the OS",
			FormatDuration(ran), FormatDuration(rec.CPU)))
	}
	if tr.Incomplete != "" {
		rec.Notes = append(rec.Notes, "the execution trace is incomplete: "+tr.Incomplete)
	}
}

// A family indexes a trace's goroutines by parent.
type family struct {
	spanSlab []Span // the spans of all tasks are cut from it
	tr       *schedtrace.Trace
	children map[int64][]*schedtrace.Goroutine // in creation order
	created  []int64                           // the runner's children since the anchor, in creation order
}

func newFamily(tr *schedtrace.Trace, runner int64, anchor time.Duration) *family {
	f := &family{tr: tr, children: map[int64][]*schedtrace.Goroutine{}}
	for _, g := range tr.Goroutines {
		if g.Parent != 0 {
			f.children[g.Parent] = append(f.children[g.Parent], g)
		}
	}
	bySeq := func(a, b *schedtrace.Goroutine) int { return cmp.Compare(a.Seq, b.Seq) }
	for _, kids := range f.children {
		if !slices.IsSortedFunc(kids, bySeq) {
			slices.SortFunc(kids, bySeq)
		}
	}
	for _, g := range f.children[runner] {
		if born(g) >= anchor {
			f.created = append(f.created, g.ID)
		}
	}
	return f
}

// born is when the trace first saw g: its creation, for those created
// while tracing.
func born(g *schedtrace.Goroutine) time.Duration {
	if len(g.Intervals) == 0 {
		return 0
	}
	return g.Intervals[0].Start
}

// tree lists g and the goroutines it created between from and to, and
// those they created in turn, in creation order, g first.
func (f *family) tree(g int64, from, to time.Duration) []int64 {
	out := []int64{g}
	for i := 0; i < len(out); i++ {
		kids := f.children[out[i]]
		lo := 0
		if i == 0 {
			// The task's own goroutine may be a worker that ran other
			// tasks before: only what it created during this one counts.
			lo, _ = slices.BinarySearchFunc(kids, from, func(k *schedtrace.Goroutine, t time.Duration) int { return cmp.Compare(born(k), t) })
		}
		for _, k := range kids[lo:] {
			if born(k) > to {
				break
			}
			out = append(out, k.ID)
		}
	}
	return out
}

// spans are goroutine id's states between from and to (on the trace's
// clock), on the run's clock (anchor is the run's start on the trace's).
func (f *family) spans(id int64, from, to, anchor time.Duration) []Span {
	g := f.tr.Goroutine(id)
	if g == nil {
		return nil
	}
	ivs := g.Intervals
	i, _ := slices.BinarySearchFunc(ivs, from, func(iv schedtrace.Interval, t time.Duration) int { return cmp.Compare(iv.End, t+1) })
	if len(f.spanSlab) < 8 {
		f.spanSlab = make([]Span, 2048)
	}
	out := f.spanSlab[:0:8] // appending past the room copies, never overwrites a neighbor
	for ; i < len(ivs) && ivs[i].Start < to; i++ {
		start, end := max(ivs[i].Start, from), min(ivs[i].End, to)
		if end <= start {
			continue
		}
		st := goState(ivs[i].State)
		if n := len(out); n > 0 && out[n-1].State == st && out[n-1].End == start-anchor {
			out[n-1].End = end - anchor
			continue
		}
		out = append(out, Span{Start: start - anchor, End: end - anchor, State: st})
	}
	if len(out) == 0 {
		return nil
	}
	if cap(out) == 8 && &out[0] == &f.spanSlab[0] {
		f.spanSlab = f.spanSlab[len(out):] // the spans stayed in the slab: take what they use
		return out[:len(out):len(out)]
	}
	return out
}

// goState is the State of a goroutine's schedtrace state.
func goState(s schedtrace.State) State {
	switch s {
	case schedtrace.Running, schedtrace.Assist:
		return StateRunning
	case schedtrace.Runnable:
		return StateRunnable
	case schedtrace.Chan:
		return StateChan
	case schedtrace.Select:
		return StateSelect
	case schedtrace.Sync:
		return StateSync
	case schedtrace.Syscall:
		return StateSyscall
	case schedtrace.Sleep:
		return StateSleep
	case schedtrace.GC:
		return StateGC
	}
	return StateOther
}

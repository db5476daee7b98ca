package cell

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// A program composed with ComposeOptions.Trace records an execution trace
// (runtime/trace) of its main when the environment variable TraceEnv names
// a file, and stops it so that the file can be read in as many endings as
// it can:
//
//   - main returns, or panics: a deferred call stops the trace;
//   - the kernel is about to interrupt it (the ■ button, %timeout): the
//     kernel creates the file named by TraceEnv plus TraceStopSuffix, and
//     a watcher goroutine stops the trace within a few milliseconds;
//   - every goroutine stays blocked: Go's deadlock detector cannot fire
//     while a trace runs (the tracer keeps a timer), so the watcher stops
//     the trace when the program looks deadlocked, and the detector then
//     reports the deadlock as it would without %trace.
//
// Once the trace is complete, the program writes the file named by TraceEnv
// plus TraceDoneSuffix, holding one of the TraceStopped reasons. A program
// that ends any other way (os.Exit, a panic in another goroutine, a kill)
// leaves a trace cut short, and no done file.
const (
	TraceEnv        = "CONCLAB_TRACE"
	TraceStopSuffix = ".stop"
	TraceDoneSuffix = ".done"

	// TraceFuncPrefix starts the names of the generated tracing functions,
	// so that a reader of the trace can leave their goroutine out.
	TraceFuncPrefix = "main.conclabTrace"
)

// Why a traced program stopped its trace, as written in the done file.
const (
	TraceStoppedReturn    = "main returned"
	TraceStoppedRequested = "stop requested"
	TraceStoppedBlocked   = "every goroutine blocked"
)

// ComposeOptions change how a cell is composed.
type ComposeOptions struct {
	// Trace weaves an execution trace into the program (see TraceEnv).
	Trace bool
}

// traceImports are the packages the tracing helper uses, under names of
// their own so that they never clash with the cell's.
var traceImports = []string{
	"conclabmetrics \"runtime/metrics\"",
	"conclabruntime \"runtime\"",
	"conclabstrings \"strings\"",
	"conclabsync \"sync\"",
	"conclabtime \"time\"",
	"conclabtrace \"runtime/trace\"",
}

// traceMain is the name a cell's own func main gets in a traced program,
// where the generated main starts the trace and calls it.
const traceMain = "conclabCellMain"

// traceHelper is the generated code that starts, watches and stops the
// trace. It uses conclabos too, which the import block adds.
func traceHelper() string {
	return fmt.Sprintf(`// conclabTraceStart starts the execution trace %%trace asked for and
// returns what stops it (see TraceEnv in conclab's internal/cell).
func conclabTraceStart() func() {
	path := conclabos.Getenv(%[1]q)
	if path == "" {
		return func() {}
	}
	f, err := conclabos.Create(path)
	if err == nil {
		err = conclabtrace.Start(f)
	}
	if err != nil {
		conclabos.Stderr.WriteString("conclab: %%trace: " + err.Error() + "\n")
		return func() {}
	}
	var once conclabsync.Once
	stop := func(why string) {
		once.Do(func() {
			conclabtrace.Stop()
			f.Close()
			// Written aside and renamed, so the kernel never reads it half-written.
			if conclabos.WriteFile(path+%[2]q+".tmp", []byte(why), 0o600) == nil {
				conclabos.Rename(path+%[2]q+".tmp", path+%[2]q)
			}
		})
	}
	go conclabTraceWatch(path, stop)
	return func() { stop(%[3]q) }
}

// conclabTraceWatch stops the trace when the kernel asks, or when every
// goroutine stays blocked: Go cannot detect a deadlock while tracing.
func conclabTraceWatch(path string, stop func(string)) {
	const tick = 25 * conclabtime.Millisecond
	samples := []conclabmetrics.Sample{
		{Name: "/sched/goroutines/running:goroutines"},
		{Name: "/sched/goroutines/runnable:goroutines"},
		{Name: "/sched/goroutines/not-in-go:goroutines"},
		{Name: "/sched/goroutines-created:goroutines"},
	}
	var quiet, need conclabtime.Duration
	var created uint64
	var seen string
	checked, busy := false, 0
	for {
		conclabtime.Sleep(tick)
		if _, err := conclabos.Stat(path + %[4]q); err == nil {
			stop(%[5]q)
			return
		}
		conclabmetrics.Read(samples)
		var v [4]uint64
		idle := true
		for i, s := range samples {
			if s.Value.Kind() != conclabmetrics.KindUint64 {
				idle = false
				continue
			}
			v[i] = s.Value.Uint64()
		}
		fresh := v[3] != created
		created = v[3]
		if !idle || v[0] > 1 || v[1] > 0 || v[2] > 0 {
			if busy++; busy > 1 || fresh {
				quiet, seen, checked = 0, "", false
			}
			continue
		}
		if fresh {
			quiet, seen, checked = 0, "", false
		}
		busy = 0
		quiet += tick
		switch {
		case checked || quiet < 4*tick:
		case seen == "":
			state, hard, ok := conclabTraceBlocked()
			if !ok {
				checked = true
				continue
			}
			seen, need = state, 2*conclabtime.Second
			if hard {
				need = 8 * tick
			}
		case quiet >= need:
			if state, _, ok := conclabTraceBlocked(); ok && state == seen {
				stop(%[6]q)
				return
			}
			quiet, seen = 0, ""
		}
	}
}

// conclabTraceBlocked describes the goroutines if all are blocked where
// only another goroutine could wake them (hard: not even a timer).
func conclabTraceBlocked() (state string, hard, ok bool) {
	buf := make([]byte, 1<<16)
	for {
		n := conclabruntime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		if len(buf) >= 64<<20 {
			return "", false, false
		}
		buf = make([]byte, 2*len(buf))
	}
	var b conclabstrings.Builder
	hard = true
	for i, g := range conclabstrings.Split(string(buf), "\n\n") {
		header, frames, _ := conclabstrings.Cut(g, "\n")
		open, end := conclabstrings.IndexByte(header, '['), conclabstrings.IndexByte(header, ']')
		if i == 0 || conclabstrings.Contains(frames, "runtime/trace.") {
			continue
		}
		if open < 0 || end < open {
			return "", false, false
		}
		what, _, _ := conclabstrings.Cut(header[open+1:end], ",")
		switch what {
		case "sync.Mutex.Lock", "sync.RWMutex.Lock", "sync.RWMutex.RLock", "sync.WaitGroup.Wait", "sync.Cond.Wait",
			"semacquire", "chan receive (nil chan)", "chan send (nil chan)", "select (no cases)":
		case "chan receive", "chan send", "select":
			hard = false
		default:
			return "", false, false
		}
		b.WriteString(header[:open] + what + "\n" + frames + "\n")
	}
	return b.String(), hard, b.Len() > 0
}
`, TraceEnv, TraceDoneSuffix, TraceStoppedReturn, TraceStopSuffix, TraceStoppedRequested, TraceStoppedBlocked)
}

// renameMain renames the cell's own func main to traceMain, keeping the
// columns of the rest of its line with a /*line*/ comment after the new
// name. file, line and col locate src in its cell.
func renameMain(src, file string, line, col int) (string, error) {
	const prefix = "package p\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+src, parser.SkipObjectResolution)
	if err != nil {
		return "", fmt.Errorf("trace: cannot read func main: %w", err)
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || fn.Name.Name != "main" {
			continue
		}
		off := fset.Position(fn.Name.Pos()).Offset - len(prefix)
		end := off + len("main")
		// Where the name ends in the cell: src's first line starts at col.
		before := src[:end]
		l := line + strings.Count(before, "\n")
		c := end - strings.LastIndexByte(before, '\n')
		if l == line {
			c = col + end
		}
		return fmt.Sprintf("%s%s/*line %s:%d:%d*/%s", src[:off], traceMain, file, l, c, src[end:]), nil
	}
	return "", errors.New("trace: no func main in the cell's main")
}

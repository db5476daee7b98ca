// Package compiled is conclab's default engine: each cell becomes a complete
// Go program (the remembered declarations plus the cell), built with the go
// command and run as a child process in its own process group, with its
// output, displays and stdin reads turned into Jupyter messages.
package compiled

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/debugger"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/memlimit"
	"github.com/conclab/conclab/internal/workspace"
)

// Options configure an Engine.
type Options struct {
	Workspace *workspace.Workspace
	BinCache  string        // directory of built programs keyed by content hash
	GoCommand string        // the go command; "go" when empty
	Grace     time.Duration // SIGINT to SIGKILL; 1s when zero
	MaxOutput int           // bytes of stdout+stderr a run may show; DefaultMaxOutput when zero
	MaxMemory int64         // bytes of memory a program may use; DefaultMaxMemory when zero
	// Limiter holds each program, with what it starts, to its limit; one
	// with MaxMemory when nil.
	Limiter *memlimit.Limiter
	Logger  *slog.Logger
	// Shared is the directory of a shared package set (see WriteShared);
	// "" or a directory without one: none.
	Shared string
	// PackageIndex is the directory where kernels keep what the go command
	// told them of the compiled packages cells use, for the next kernel's
	// first cell (see pkgindex.go); "" for none.
	PackageIndex string
	// Debugger is the kernel's side of the Jupyter debug protocol; while
	// it is started, cells are built without optimisations and run under
	// Dlv (the path of a dlv), their events published when out has an
	// engine.DebugEvents. Nil: no debugger.
	Debugger *debugger.Session
	Dlv      string
}

// DefaultMaxOutput is how much output one cell shows before the rest is
// dropped: plenty for any lesson, small enough for a browser tab.
const DefaultMaxOutput = 5 << 20

// An Engine runs compiled cells for one kernel session. Execute calls must
// not overlap (the kernel runs cells one at a time).
type Engine struct {
	opt     Options
	session *cell.Session
	tc      *toolchain
	runs    int // counter for unique per-run file names

	test2json string // the go command's test2json, found by the first %test cell

	warnedStdin bool // told the user once that stdin reads cannot be seen

	// raw is each cell's source by execution count, as the frontend sent
	// it: the debugger names a cell's file by a hash of it.
	raw map[int]string

	// openResult opens the pipe of a cell's shown value; tests make it fail.
	openResult func() (*resultReader, error)

	mu      sync.Mutex
	current *process // the running program, for Interrupt
	closed  bool     // Close was called: run no more cells
}

// Engine is an engine.Engine.
var _ engine.Engine = (*Engine)(nil)

// New makes an engine working in opt.Workspace.
func New(opt Options) (*Engine, error) {
	if opt.Workspace == nil {
		return nil, errors.New("compiled engine: no workspace")
	}
	if opt.GoCommand == "" {
		opt.GoCommand = "go"
	}
	if opt.Grace == 0 {
		opt.Grace = time.Second
	}
	if opt.MaxOutput <= 0 {
		opt.MaxOutput = DefaultMaxOutput
	}
	if opt.MaxMemory <= 0 {
		opt.MaxMemory = DefaultMaxMemory()
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Limiter == nil {
		l, err := memlimit.New(memlimit.Options{Limit: opt.MaxMemory, Logger: opt.Logger})
		if err != nil {
			return nil, fmt.Errorf("compiled engine: %w", err)
		}
		opt.Limiter = l
	}
	if opt.BinCache == "" {
		opt.BinCache = filepath.Join(opt.Workspace.Dir, "bin")
	}
	if err := os.MkdirAll(opt.BinCache, 0o700); err != nil {
		return nil, fmt.Errorf("compiled engine: %w", err)
	}
	tc := newToolchain(opt.GoCommand, opt.Workspace.Dir)
	tc.shared, tc.indexDir, tc.logf = opt.Shared, opt.PackageIndex, opt.Logger.Info
	return &Engine{opt: opt, session: cell.NewSession(), tc: tc, openResult: newResultReader, raw: map[int]string{}}, nil
}

// Session is the engine's memory of declarations (for %ls, %rm, %reset and
// completion).
func (e *Engine) Session() *cell.Session { return e.session }

// Warm prepares the builds of the first cells: it learns where the
// standard packages cells use most and conclab's own packages are compiled
// (building what is missing into the go build cache). The kernel calls it
// in the background at start.
func (e *Engine) Warm(ctx context.Context) error {
	pkgs := []string{"fmt", "sync", "time", "os", "strings", "math/rand/v2", "runtime"}
	for _, p := range cell.DefaultPackages() {
		pkgs = append(pkgs, p)
	}
	return e.tc.warm(ctx, pkgs)
}

// Execute builds and runs cell c (c.Parsed, or c.Code parsed when it is
// nil) as execution c.ID. A user-facing failure is returned as
// *engine.Error; other errors are the kernel's own.
func (e *Engine) Execute(ctx context.Context, c engine.Cell, out engine.Output) error {
	e.mu.Lock()
	closed := e.closed
	e.mu.Unlock()
	if closed {
		return errors.New("compiled engine: closed")
	}
	parsed := c.Parsed
	if parsed == nil {
		var err error
		if parsed, err = cell.Parse(c.Code); err != nil {
			line, _, _ := strings.Cut(err.Error(), "\n")
			return &engine.Error{Name: "SyntaxError", Value: line, Traceback: splitLines(err.Error())}
		}
	}
	st := c.Settings
	e.raw[c.ID] = c.Code
	if e.debugging() {
		// Locals as the code names them, every line a place to stop.
		st.GoFlags = append(slices.Clone(st.GoFlags), "-gcflags=-N -l")
	}
	prog, err := e.session.ComposeWith(parsed, c.ID, cell.ComposeOptions{Trace: st.Trace})
	if err != nil {
		line, _, _ := strings.Cut(err.Error(), "\n")
		return &engine.Error{Name: "CompileError", Value: line, Traceback: splitLines(err.Error())}
	}
	if err := e.repair(out); err != nil {
		return err
	}
	if st.Test != nil {
		return e.executeTest(ctx, parsed, prog, st, out)
	}
	bin, err := e.build(ctx, prog, st)
	if err != nil {
		return err
	}
	e.session.Commit(prog)
	return e.run(ctx, prog, bin, st, out)
}

// debugging reports whether the next cell runs under the debugger.
func (e *Engine) debugging() bool {
	return e.opt.Debugger != nil && e.opt.Dlv != "" && e.opt.Debugger.Started()
}

// debugCells are prog's cells for the debugger: the file it names each by,
// the file prog's //line directives name it by, and its label.
func (e *Engine) debugCells(prog *cell.Program, id int) []debugger.CellFile {
	f := prog.Files()
	cells := []debugger.CellFile{{Client: e.opt.Debugger.Path(e.raw[id]), Server: f.Current, Label: fmt.Sprintf("cell [%d]", id)}}
	for cid, file := range f.Remembered {
		if raw, ok := e.raw[cid]; ok {
			cells = append(cells, debugger.CellFile{Client: e.opt.Debugger.Path(raw), Server: file, Label: fmt.Sprintf("cell [%d]", cid)})
		}
	}
	return cells
}

// Close stops the running program, if any (as Interrupt does); the engine
// runs no more cells. A compiled engine keeps nothing running between
// cells, so there is nothing else to end.
func (e *Engine) Close() error {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	e.Interrupt()
	return nil
}

// repair puts back what an earlier cell removed or changed of the
// workspace, telling the user, before the build relies on it.
func (e *Engine) repair(out engine.Output) error {
	did, err := e.opt.Workspace.Repair()
	if len(did) > 0 {
		out.Stream("stderr", "conclab: a cell had damaged the kernel's workspace: "+strings.Join(did, "; ")+".\n")
	}
	if err == nil {
		err = os.MkdirAll(e.opt.BinCache, 0o700)
	}
	if err != nil {
		msg := "the kernel's workspace is damaged beyond repair; restart the kernel"
		return &engine.Error{Name: "WorkspaceError", Value: msg, Traceback: []string{msg, err.Error()}}
	}
	return nil
}

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
	"strings"
	"sync"
	"time"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/memlimit"
	"github.com/conclab/conclab/internal/workspace"
)

// Output receives what a running cell produces. The kernel implements it by
// publishing on iopub and asking the frontend for input.
type Output interface {
	// Stream sends text on "stdout" or "stderr".
	Stream(name, text string)
	// Display shows rich output (display_data or update_display_data).
	Display(d display.Data)
	// Input asks the user for one line; it fails when the frontend does not
	// allow stdin or the request is cancelled.
	Input(ctx context.Context, prompt string, password bool) (string, error)
	// Result shows the value of the cell's last expression (execute_result).
	Result(data map[string]any)
}

// Settings are the per-session and per-cell choices magics make.
type Settings struct {
	GoFlags    []string      // extra `go build` flags (%goflags), e.g. -race
	Env        []string      // extra KEY=VALUE for the program (%env)
	Args       []string      // os.Args[1:] of the program (%args)
	GOMAXPROCS int           // >0: run with this GOMAXPROCS
	Timeout    time.Duration // >0: stop the program after this long
	Time       bool          // report wall, CPU and memory after the run (%time)
	Trace      bool          // record an execution trace, show the scheduler view (%trace)
}

// An Error is a failure of the user's cell (it did not compile, it panicked,
// it was interrupted), as opposed to a failure of the kernel. It becomes an
// error reply and an error message on iopub.
type Error struct {
	Name      string   // ename: "CompileError", "panic", "deadlock", "Interrupted", ...
	Value     string   // evalue: one line
	Traceback []string // shown to the user, one entry a line
}

func (e *Error) Error() string { return e.Name + ": " + e.Value }

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

	warnedStdin bool // told the user once that stdin reads cannot be seen

	mu      sync.Mutex
	current *process // the running program, for Interrupt
}

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
	return &Engine{opt: opt, session: cell.NewSession(), tc: newToolchain(opt.GoCommand, opt.Workspace.Dir)}, nil
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

// Execute builds and runs cell c as execution id. A user-facing failure is
// returned as *Error; other errors are the kernel's own.
func (e *Engine) Execute(ctx context.Context, c *cell.Cell, id int, st Settings, out Output) error {
	prog, err := e.session.ComposeWith(c, id, cell.ComposeOptions{Trace: st.Trace})
	if err != nil {
		line, _, _ := strings.Cut(err.Error(), "\n")
		return &Error{Name: "CompileError", Value: line, Traceback: splitLines(err.Error())}
	}
	if err := e.repair(out); err != nil {
		return err
	}
	bin, err := e.build(ctx, prog, st)
	if err != nil {
		return err
	}
	e.session.Commit(prog)
	return e.run(ctx, prog, bin, st, out)
}

// repair puts back what an earlier cell removed or changed of the
// workspace, telling the user, before the build relies on it.
func (e *Engine) repair(out Output) error {
	did, err := e.opt.Workspace.Repair()
	if len(did) > 0 {
		out.Stream("stderr", "conclab: a cell had damaged the kernel's workspace: "+strings.Join(did, "; ")+".\n")
	}
	if err == nil {
		err = os.MkdirAll(e.opt.BinCache, 0o700)
	}
	if err != nil {
		msg := "the kernel's workspace is damaged beyond repair; restart the kernel"
		return &Error{Name: "WorkspaceError", Value: msg, Traceback: []string{msg, err.Error()}}
	}
	return nil
}

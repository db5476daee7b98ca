package kernel

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/magic"
	"github.com/conclab/conclab/internal/procgroup"
)

// A step is a magic or a shell line of a cell, run in cell order before the
// cell's Go code.
type step struct {
	line  int
	magic *cell.Magic
	shell *cell.Shell
}

func steps(c *cell.Cell) []step {
	var s []step
	for i := range c.Magics {
		s = append(s, step{line: c.Magics[i].Line, magic: &c.Magics[i]})
	}
	for i := range c.Shell {
		s = append(s, step{line: c.Shell[i].Line, shell: &c.Shell[i]})
	}
	sort.SliceStable(s, func(i, j int) bool { return s[i].line < s[j].line })
	return s
}

// A call is one use of a magic in a cell, as its magicHandler gets it.
type call struct {
	name  string   // as written: the magic's name or an alias, without the prefix
	line  int      // of the cell
	args  []string // split as a shell splits words, checked against the magic's arity
	code  string   // a first-line magic's whole cell
	body  string   // a cell magic's body: the cell below its line
	count int      // the cell's execution count
	// st is a line magic's settings for this cell; it changes the
	// session's in k.settings.
	st *engine.Settings
}

// A magicHandler runs a magic.
type magicHandler func(k *Kernel, ctx context.Context, c call, out *output) error

// lineMagic is the magicHandler of a line magic whose function needs only its
// arguments and settings.
func lineMagic(f func(k *Kernel, ctx context.Context, args []string, st *engine.Settings, out *output) error) magicHandler {
	return func(k *Kernel, ctx context.Context, c call, out *output) error {
		return f(k, ctx, c.args, c.st, out)
	}
}

// magicTable is the registry of every magic and of the other lines a cell
// may hold, in the order %help and the README show them. It is built per
// kernel (not a package variable); README_test.go checks that the README's
// table of magics is made from it.
func magicTable() (magic.Registry[magicHandler], error) {
	type m = magic.Magic[magicHandler]
	mk := func(kind magic.Kind, names []string, usage, help string, args magic.Arity, run magicHandler) m {
		return m{Kind: kind, Names: names, Usage: usage, Help: help, Args: args, Run: run}
	}
	const (
		line  = magic.Line
		first = magic.FirstLine
		cellM = magic.Cell
		other = magic.Syntax
	)
	return magic.New(
		mk(line, []string{"goflags"}, "%goflags [flags...]", "set `go build` flags for the following cells (e.g. -race); no flags: show them; \"\" clears", anyArgs, lineMagic((*Kernel).magicGoflags)),
		mk(line, []string{"env"}, "%env NAME VALUE", "set an environment variable for programs and shell lines; %env NAME shows it", magic.Arity{Min: 1, Max: 2}, lineMagic((*Kernel).magicEnv)),
		mk(line, []string{"args"}, "%args [args...]", "set the program's os.Args[1:] for the following cells; no args clears them", anyArgs, lineMagic((*Kernel).magicArgs)),
		mk(line, []string{"ls", "list"}, "%ls", "list the remembered declarations", noArgs, lineMagic((*Kernel).magicList)),
		mk(line, []string{"rm", "remove"}, "%rm NAME...", "forget remembered declarations by name", someArgs, lineMagic((*Kernel).magicRemove)),
		mk(line, []string{"reset"}, "%reset", "forget every remembered declaration", noArgs, lineMagic((*Kernel).magicReset)),
		mk(line, []string{"gomaxprocs"}, "%gomaxprocs N", "run this cell with GOMAXPROCS=N, 1 to 1024 (N=1 is like Python's GIL: one goroutine runs at a time)", oneArg, lineMagic(magicGOMAXPROCS)),
		mk(line, []string{"timeout"}, "%timeout DURATION", "stop this cell after DURATION (e.g. 5s, 500ms) with a clear message", oneArg, lineMagic(magicTimeout)),
		mk(line, []string{"race"}, "%race", "build and run this cell with the race detector", noArgs, lineMagic(magicRace)),
		mk(line, []string{"test"}, "%test [flags...]", "run the notebook's Test, Benchmark, Example and Fuzz functions (the cell's own, when it declares some) as go test does, with the race detector; flags: -run, -bench, -benchtime, -count, -cpu 1,2,4, -benchmem, -timeout, -v, -short, -race=false", anyArgs, lineMagic(magicTest)),
		mk(line, []string{"time"}, "%time", "after this cell, show wall time, user and system CPU, the cores they imply and the peak memory", noArgs, lineMagic(magicTime)),
		mk(line, []string{"trace"}, "%trace [TITLE...]", "run this cell with the execution tracer and show, under it, what each P ran and why goroutines waited, with a summary, under TITLE if given (say what to see); in a %live cell, the window of the cell's run", anyArgs, lineMagic(magicTrace)),
		mk(line, []string{"doc"}, "%doc NAME", "show the documentation of NAME (fmt.Println, a remembered func) in the pager", oneArg, lineMagic((*Kernel).magicDoc)),
		mk(line, []string{"help"}, "%help", "list every magic, with how cells work and the memory limit", noArgs, lineMagic((*Kernel).magicHelp)),
		mk(first, []string{"live"}, "%live [reset]", "first line of a cell: run the cell in the session's Go interpreter, where variables and goroutines survive from cell to cell; %live reset starts afresh", magic.Arity{Min: 0, Max: 1}, (*Kernel).magicLive),
		mk(cellM, []string{"script"}, "%%script COMMAND [ARGS...]", "first line of a cell: run the rest of the cell with COMMAND (e.g. python3), to put a Python original beside its Go translation", someArgs, (*Kernel).magicScript),
		mk(cellM, []string{"bash", "sh", "python3", "python"}, "%%bash [ARGS...]", "%%script with that interpreter", anyArgs, (*Kernel).magicInterpreter),
		m{Kind: other, Usage: "!command", Help: "run a shell command in the notebook's directory"},
		m{Kind: other, Usage: "!*command", Help: "run a shell command in the directory where cells are built (e.g. !*go get module)"},
		m{Kind: other, Usage: "%% or %main", Help: "the rest of the cell is main's body (gonb style)"},
		m{Kind: other, Usage: "//gonb:%magic", Help: "a magic written as a Go comment, as in gonb"},
	)
}

func magicGOMAXPROCS(_ *Kernel, _ context.Context, args []string, st *engine.Settings, _ *output) error {
	n, err := parseGOMAXPROCS("%gomaxprocs", args[0])
	if err != nil {
		return err
	}
	st.GOMAXPROCS = n
	return nil
}

func magicTimeout(_ *Kernel, _ context.Context, args []string, st *engine.Settings, _ *output) error {
	d, err := time.ParseDuration(args[0])
	if err != nil || d <= 0 {
		return errorf("UsageError", "%%timeout: %q is not a positive duration like 5s or 500ms", args[0])
	}
	st.Timeout = d
	return nil
}

func magicTime(_ *Kernel, _ context.Context, _ []string, st *engine.Settings, _ *output) error {
	st.Time = true
	return nil
}

func magicTrace(_ *Kernel, _ context.Context, args []string, st *engine.Settings, _ *output) error {
	st.Trace = true
	st.TraceTitle = strings.Join(args, " ")
	return nil
}

func magicRace(_ *Kernel, _ context.Context, _ []string, st *engine.Settings, _ *output) error {
	st.GoFlags = appendMissing(st.GoFlags, "-race")
	return nil
}

// runStep runs a line magic or a shell line.
func (k *Kernel) runStep(ctx context.Context, s step, st *engine.Settings, out *output) error {
	if s.shell != nil {
		return k.runShell(ctx, s.shell, st, out)
	}
	use := magic.Use{Line: s.line, Name: s.magic.Name, Args: s.magic.Args}
	m, ok := k.magics.Lookup(magic.Line, use.Name)
	if !ok {
		if _, first := k.magics.Lookup(magic.FirstLine, use.Name); first {
			return errorf("UsageError", "line %d: %%%s must be the first line of the cell (it chooses how the whole cell runs)", s.line, use.Name)
		}
		return errorf("UsageError", "line %d: unknown magic %%%s; %%help lists the magics", s.line, use.Name)
	}
	return k.runMagic(ctx, m, use, call{st: st}, out)
}

// runMagic checks the arguments of a use of m and runs it with c.
func (k *Kernel) runMagic(ctx context.Context, m magic.Magic[magicHandler], use magic.Use, c call, out *output) error {
	name := m.Kind.Prefix() + use.Name
	args, err := splitArgs(use.Args)
	if err != nil {
		return errorf("UsageError", "line %d: %s: %v", use.Line, name, err)
	}
	if err := checkArity(m.Args, name, m.Usage, len(args)); err != nil {
		return err
	}
	if err := noNUL(name, args...); err != nil {
		return err
	}
	c.name, c.line, c.args = use.Name, use.Line, args
	return m.Run(k, ctx, c, out)
}

func (k *Kernel) magicGoflags(_ context.Context, args []string, st *engine.Settings, out *output) error {
	switch {
	case len(args) == 0:
		out.Stream("stdout", fmt.Sprintf("%%goflags: %s\n", quoteArgs(k.settings.GoFlags)))
		return nil
	case len(args) == 1 && args[0] == "":
		k.settings.GoFlags = nil
	default:
		if err := checkGoFlags(args); err != nil {
			return err
		}
		k.settings.GoFlags = args
	}
	st.GoFlags = k.settings.GoFlags
	out.Stream("stdout", fmt.Sprintf("%%goflags=%s\n", quoteArgs(k.settings.GoFlags)))
	return nil
}

func (k *Kernel) magicEnv(_ context.Context, args []string, st *engine.Settings, out *output) error {
	switch len(args) {
	case 1:
		if v, ok := lookupEnv(k.settings.Env, args[0]); ok {
			out.Stream("stdout", args[0]+"="+v+"\n")
		} else {
			out.Stream("stdout", args[0]+" is not set\n")
		}
		return nil
	case 2:
		if err := checkEnvName(args[0]); err != nil {
			return err
		}
		if err := checkEnvValue(args[0], args[1]); err != nil {
			return err
		}
		k.settings.Env = setEnv(k.settings.Env, args[0], args[1])
		st.Env = k.settings.Env
		out.Stream("stdout", "set env "+args[0]+"="+args[1]+"\n")
		return nil
	}
	return errorf("UsageError", "usage: %%env NAME VALUE")
}

func (k *Kernel) magicArgs(_ context.Context, args []string, st *engine.Settings, _ *output) error {
	k.settings.Args = args
	st.Args = args
	return nil
}

func (k *Kernel) magicList(_ context.Context, _ []string, _ *engine.Settings, out *output) error {
	decls := k.engine.Session().Decls()
	if len(decls) == 0 {
		out.Stream("stdout", "no remembered declarations\n")
		return nil
	}
	var b strings.Builder
	for _, d := range decls {
		fmt.Fprintf(&b, "%-6s %s\n", d.Kind, strings.Join(d.Keys, ", "))
	}
	out.Stream("stdout", b.String())
	return nil
}

func (k *Kernel) magicRemove(_ context.Context, args []string, _ *engine.Settings, out *output) error {
	if len(args) == 0 {
		return errorf("UsageError", "usage: %%rm NAME... (%%ls lists the names)")
	}
	removed, err := k.engine.Session().Remove(args...)
	if err != nil {
		return errorf("UsageError", "%%rm: %v", err)
	}
	out.Stream("stdout", "removed "+strings.Join(removed, ", ")+"\n")
	return nil
}

func (k *Kernel) magicReset(_ context.Context, _ []string, _ *engine.Settings, out *output) error {
	k.engine.Session().Reset()
	out.Stream("stdout", "forgot every remembered declaration\n")
	return nil
}

func (k *Kernel) magicHelp(_ context.Context, _ []string, _ *engine.Settings, out *output) error {
	out.Display(helpDisplay(k.magics, k.memoryNote()))
	return nil
}

func (k *Kernel) magicDoc(ctx context.Context, args []string, _ *engine.Settings, out *output) error {
	if len(args) != 1 {
		return errorf("UsageError", "usage: %%doc NAME (e.g. %%doc fmt.Println)")
	}
	name := args[0]
	doc, found, err := k.complete.Inspect(ctx, k.engine.Session().Source(), name, len([]rune(name)), 1)
	if err != nil || !found {
		return errorf("NotFound", "%%doc: no documentation found for %s", name)
	}
	data := map[string]any{"text/plain": doc.Text}
	if doc.Markdown != "" {
		data["text/markdown"] = doc.Markdown
	}
	out.page(data)
	return nil
}

// runShell runs a `!command` line with sh in the notebook's directory
// (`!*command` runs it in the cell module's directory, as in gonb), in its
// own process group so an interrupt stops all of it.
func (k *Kernel) runShell(ctx context.Context, s *cell.Shell, st *engine.Settings, out *output) error {
	command, dir := s.Command, ""
	if strings.HasPrefix(command, "*") {
		command, dir = strings.TrimPrefix(command, "*"), k.ws.Dir
	}
	if err := noNUL(fmt.Sprintf("line %d: shell line", s.Line), command); err != nil {
		return err
	}
	cmd := exec.Command("sh", "-c", command)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), st.Env...)
	cmd.Stdout = streamTo{out, "stdout"}
	cmd.Stderr = streamTo{out, "stderr"}
	cmd.SysProcAttr = procgroup.Attr()
	breach, err := k.runLimited(ctx, cmd)
	if breach != nil {
		return engine.MemoryError(breach)
	}
	if ctx.Err() != nil {
		return errorf("Interrupted", "!%s was interrupted", command)
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return errorf("ShellError", "line %d: !%s %s", s.Line, command, procgroup.Status(exit))
	}
	if err != nil {
		return errorf("ShellError", "line %d: !%s: %v", s.Line, command, err)
	}
	return nil
}

// streamTo is an io.Writer that sends what it gets as a stream message.
type streamTo struct {
	out  *output
	name string
}

func (s streamTo) Write(p []byte) (int, error) {
	s.out.Stream(s.name, string(p))
	return len(p), nil
}

func appendMissing(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(append([]string(nil), list...), s)
}

func lookupEnv(env []string, name string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], name+"="); ok {
			return v, true
		}
	}
	return os.LookupEnv(name)
}

func setEnv(env []string, name, value string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return append(out, name+"="+value)
}

func quoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = strconv.Quote(a)
	}
	return "[" + strings.Join(q, " ") + "]"
}

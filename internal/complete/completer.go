package complete

import (
	"context"
	"fmt"
)

// A Completer answers completion and inspection requests for Go cells. It
// caches the packages it loads, so only the first request that needs a
// package waits for the go command. Its methods are safe for concurrent use;
// requests are served one at a time.
type Completer struct {
	pk  *packages
	sem chan struct{} // held while a request runs (it guards all fields); waiting for it honors ctx

	remSrc   string      // source of the last parsed remembered file
	remFile  *remembered // its parse, reused while the kernel's memory is unchanged
	remValid bool
}

// New returns a Completer that runs the go command in dir, a Go module whose
// go.mod resolves the packages cells import (the compiled engine's
// workspace), with the environment env (nil means this process's) and
// GOPROXY=off: completion never downloads modules. The go command is looked
// up in env's PATH. Without a go command only the cell, the remembered
// declarations, keywords and builtins are known.
func New(dir string, env []string) *Completer {
	return newCompleter(newPackages(dir, env, findGo(env)))
}

func newCompleter(pk *packages) *Completer {
	return &Completer{pk: pk, sem: make(chan struct{}, 1)}
}

// UseExports gives the Completer compiled packages it need not build: for
// an import path, the file of its export data, or "" (the compiled
// engine's shared package set). The packages it has them all for are
// listed without building, so a new user's personal build cache stays
// empty. Call it before the first request.
func (c *Completer) UseExports(exportOf func(path string) string) { c.pk.exportOf = exportOf }

// A Result is the answer to a completion request.
type Result struct {
	// Matches are the names that can replace the text from Start to End,
	// best first.
	Matches []string
	// Start and End delimit the text to replace, in Unicode code points of
	// the cell, as Jupyter's cursor_start and cursor_end.
	Start, End int
	// Types describes each match, in the same order, for Jupyter's
	// metadata._jupyter_types_experimental.
	Types []Match
}

// A Match describes one completion.
type Match struct {
	Text string // the completion, as in Result.Matches
	// Type is what the name denotes: "function", "method", "variable",
	// "field", "constant", "type", "package" or "keyword".
	Type string
	// Signature is a function's signature, a variable's or constant's type,
	// a type's underlying kind or a package's import path ("" for keywords).
	Signature string
}

// A Doc is what inspection shows for a name: its declaration and
// documentation as plain text and as Markdown.
type Doc struct {
	Text     string
	Markdown string
}

// Complete returns the completions for the identifier at cursor, a position
// in Unicode code points of cell. remembered is the kernel's memory of
// earlier cells as a Go file (package clause, imports, declarations). Bad
// input (a cursor out of range, invalid UTF-8, a cursor in a string, comment
// or magic line) gives an empty Result and no error. An error means that
// packages could not be loaded: the Result then holds what was found without
// them, or nothing when ctx ended.
func (c *Completer) Complete(ctx context.Context, remembered, cell string, cursor int) (res Result, err error) {
	q, ok := completionQuery(cell, cursor)
	if !ok {
		return Result{}, nil
	}
	if err := c.acquire(ctx); err != nil {
		return Result{}, fmt.Errorf("complete: %w", err)
	}
	defer c.release()
	defer guard("complete", &err)
	a, err := c.analyze(ctx, remembered, q, nil)
	if a == nil {
		return Result{}, err
	}
	cands := a.candidates(ctx, c.pk, q)
	return q.result(cands), err
}

// Inspect returns the declaration and documentation of the name at or just
// before cursor, or of the function whose call's parentheses hold the
// cursor. detail 0 shows the signature and doc comment; detail 1 or more
// adds the source of declarations made in the notebook and the members of a
// package. found is false when there is nothing to show.
func (c *Completer) Inspect(ctx context.Context, remembered, cell string, cursor, detail int) (doc Doc, found bool, err error) {
	q, ok := inspectQuery(cell, cursor)
	if !ok {
		return Doc{}, false, nil
	}
	if err := c.acquire(ctx); err != nil {
		return Doc{}, false, fmt.Errorf("inspect: %w", err)
	}
	defer c.release()
	defer guard("inspect", &err)
	var extra []string
	if q.recv == "" {
		extra = []string{q.prefix} // a bare package name: import it to show its doc
	}
	a, err := c.analyze(ctx, remembered, q, extra)
	if a == nil {
		return Doc{}, false, err
	}
	t, ok := a.resolve(q)
	if !ok {
		return Doc{}, false, err
	}
	doc, found = c.describe(ctx, a, t, detail)
	return doc, found, err
}

// Warm lists the standard library's package names and loads the packages
// at paths (for instance "fmt", "sync" and the project's demos), so that the
// first requests do not wait for the go command. A kernel may call it in the
// background when it starts; requests that arrive meanwhile wait for it.
func (c *Completer) Warm(ctx context.Context, paths ...string) error {
	if err := c.acquire(ctx); err != nil {
		return fmt.Errorf("warm: %w", err)
	}
	defer c.release()
	c.pk.known(ctx)
	err := c.pk.ensure(ctx, paths)
	for _, p := range paths {
		_, _ = c.pk.Import(p) // what cannot be imported now is retried by requests
	}
	if err != nil {
		return fmt.Errorf("warm: %w", err)
	}
	return ctx.Err()
}

func (c *Completer) acquire(ctx context.Context) error {
	select {
	case c.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Completer) release() { <-c.sem }

// guard turns a panic in the tolerant parsing or type checking of arbitrary
// cell text into an error, so that a kernel never dies of a Tab key. go/types
// is robust on broken code, but cells are untrusted input.
func guard(what string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: internal error: %v", what, r)
	}
}

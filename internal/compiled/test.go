package compiled

import (
	"context"
	"errors"
	"fmt"
	"go/token"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/engine"
)

// testFunc matches the names go test runs: Test, Benchmark, Example and
// Fuzz functions whose next letter is not lower case.
var testFunc = regexp.MustCompile(`^(Test|Benchmark|Example|Fuzz)([^a-z].*)?$`)

// executeTest runs a %test cell: prog (the notebook's declarations and the
// cell's) is built as a test binary and run under test2json, whose events
// become the cell's output and its report.
func (e *Engine) executeTest(ctx context.Context, parsed *cell.Cell, prog *cell.Program, st engine.Settings, out engine.Output) error {
	if line := firstStatement(parsed); line > 0 {
		out.Stream("stderr", fmt.Sprintf("conclab: line %d: the statements of a %%test cell do not run: %%test runs the notebook's "+
			"Test, Benchmark and Example functions; put the statements in a cell of their own\n", line))
	}
	t := testChoices(*st.Test, parsed)
	if t.Race && t.Timeout == 0 {
		// The race detector's runtime does not see a deadlocked test
		// binary as deadlocked: end it with go test's timeout report.
		t.Timeout = raceTestTimeout
	}
	st.GoFlags = slices.DeleteFunc(slices.Clone(st.GoFlags), func(f string) bool { return f == "-race" || f == "-race=true" })
	if t.Race {
		st.GoFlags = append(st.GoFlags, "-race")
	}
	bin, err := e.buildTest(ctx, prog, st)
	if err != nil {
		return err
	}
	e.session.Commit(prog)
	tool, err := e.findTest2json(ctx)
	if err != nil {
		return err
	}
	command := append([]string{tool, bin, "-test.v=test2json", "-test.paniconexit0"}, t.Args()...)
	return e.runTest(ctx, prog, command, st, t, out)
}

// firstStatement is the cell line of c's first statement, or of its func
// main; 0 when it has neither.
func firstStatement(c *cell.Cell) int {
	if c.Main != nil {
		return c.Main.Line
	}
	if !c.HasBody {
		return 0
	}
	for i, l := range strings.Split(c.Body, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "//") {
			return i + 1
		}
	}
	return 0
}

// raceTestTimeout is the -timeout of a %test cell run with the race
// detector and no -timeout of its own: a deadlocked test ends with Go's
// report of where each goroutine waits.
const raceTestTimeout = 20 * time.Second

// testChoices fills in what t leaves to the engine, as gonb does: without
// -run, the tests the cell declares (every test of the notebook when it
// declares none); without -bench, the benchmarks it declares.
func testChoices(t engine.Test, c *cell.Cell) engine.Test {
	var tests, benches []string
	for _, d := range c.Decls {
		if d.Kind != token.FUNC || len(d.Keys) != 1 || !testFunc.MatchString(d.Keys[0]) {
			continue
		}
		if strings.HasPrefix(d.Keys[0], "Benchmark") {
			benches = append(benches, d.Keys[0])
		} else {
			tests = append(tests, d.Keys[0])
		}
	}
	if t.Run == "" {
		switch {
		case len(tests) > 0:
			t.Run = "^(" + strings.Join(tests, "|") + ")$"
		case len(benches) > 0:
			t.Run = "^$"
		}
	}
	if t.Bench == "" && len(benches) > 0 {
		t.Bench = "^(" + strings.Join(benches, "|") + ")$"
	}
	return t
}

// findTest2json asks the go command, once, where its test2json is (it is
// built on demand and kept in the build cache).
func (e *Engine) findTest2json(ctx context.Context) (string, error) {
	if e.test2json != "" {
		return e.test2json, nil
	}
	path, err := e.tc.goOutput(ctx, nil, "tool", "-n", "test2json")
	if err != nil {
		return "", fmt.Errorf("find test2json: %w", err)
	}
	e.test2json = strings.TrimSpace(path)
	return e.test2json, nil
}

// runTest runs command (test2json and the test binary) as a cell's program
// and reports its tests.
func (e *Engine) runTest(ctx context.Context, prog *cell.Program, command []string, st engine.Settings, t engine.Test, out engine.Output) error {
	rep := newTestReport(prog, out, t.Verbose)
	st.Args = nil
	r := &cellRun{e: e, prog: prog, st: st, out: rep, command: command}
	defer r.close()
	if err := r.setup(command[0]); err != nil {
		return fmt.Errorf("run tests: %w", err)
	}
	if err := r.start(ctx); err != nil {
		return fmt.Errorf("run tests: %w", err)
	}
	e.setCurrent(r.proc)
	defer e.setCurrent(nil)
	stoppedBy, waitErr := r.wait(ctx)
	r.stderr.flush()
	r.stdout.flush()
	rep.flush()
	rep.show()
	if stoppedBy != nil {
		return stoppedBy
	}
	if err := rep.failure(); err != nil {
		return err
	}
	var exit *exec.ExitError
	switch {
	case waitErr == nil:
		return nil
	case errors.As(waitErr, &exit):
		return exitError(exit, rep.tail(), prog)
	}
	return fmt.Errorf("run tests: %w", waitErr)
}

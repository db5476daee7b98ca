package compiled

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/engine"
)

// A testEvent is one line of test2json's output (go doc test2json).
type testEvent struct {
	Action  string
	Test    string
	Output  string
	Elapsed float64
}

// A testResult is how one test, benchmark or example ended.
type testResult struct {
	Name    string
	Action  string  // pass, fail or skip: fail if any run failed
	Elapsed float64 // seconds, summed over its runs
	Runs    int     // runs that ended (-count runs a test several times)
	Fails   int     // of them, those that failed
	running bool    // a run started and has not ended
	output  []string
}

// A testReport is the engine.Output of a %test run: test2json's events
// arrive on stdout; it shows the tests' own output (in cell terms) as they
// run and keeps their results for the tables shown at the end. Everything
// else passes through to out.
type testReport struct {
	prog    *cell.Program
	out     engine.Output
	verbose bool

	mu      sync.Mutex
	partial string // stdout after its last newline
	order   []string
	results map[string]*testResult
	benches []benchResult
	all     []string // every output line, in cell terms, for a crash report
	pending string   // an output line test2json has given only part of
}

func newTestReport(prog *cell.Program, out engine.Output, verbose bool) *testReport {
	return &testReport{prog: prog, out: out, verbose: verbose, results: map[string]*testResult{}}
}

// Stream takes test2json's events from stdout; stderr passes through.
func (r *testReport) Stream(name, text string) {
	if name != "stdout" {
		r.out.Stream(name, r.prog.Rewrite(text))
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	text = r.partial + text
	last := strings.LastIndexByte(text, '\n')
	r.partial = text[last+1:]
	if last >= 0 {
		r.lines(text[:last+1])
	}
}

func (r *testReport) Display(d display.Data)  { r.out.Display(d) }
func (r *testReport) Result(d map[string]any) { r.out.Result(d) }
func (r *testReport) Input(ctx context.Context, prompt string, password bool) (string, error) {
	return r.out.Input(ctx, prompt, password)
}

// flush handles what stdout held after its last newline.
func (r *testReport) flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.partial != "" {
		r.lines(r.partial + "\n")
		r.partial = ""
	}
}

// lines handles complete lines of test2json's output.
func (r *testReport) lines(text string) {
	var shown strings.Builder
	for _, l := range strings.SplitAfter(text, "\n") {
		if l == "" {
			continue
		}
		var ev testEvent
		if !strings.HasPrefix(l, "{") || json.Unmarshal([]byte(l), &ev) != nil {
			shown.WriteString(l) // not an event: test2json's own words
			continue
		}
		r.event(ev, &shown)
	}
	if shown.Len() > 0 {
		r.out.Stream("stdout", shown.String())
	}
}

// event records ev and writes what it shows to shown.
func (r *testReport) event(ev testEvent, shown *strings.Builder) {
	switch ev.Action {
	case "output", "bench":
		// test2json passes on a line in pieces when the test wrote it so
		// (a benchmark's name, then its figures): put it together again.
		r.pending += ev.Output
		if !strings.HasSuffix(r.pending, "\n") {
			return
		}
		text := rewriteTestOutput(r.prog, r.pending)
		r.pending = ""
		r.all = append(r.all, text)
		if len(r.all) > 2000 {
			r.all = r.all[1000:]
		}
		if b, ok := parseBench(text); ok {
			r.benches = append(r.benches, b)
			return
		}
		if t := r.result(ev.Test); t != nil && len(t.output) < 200 {
			t.output = append(t.output, text)
		}
		if r.verbose || !framing(text) {
			shown.WriteString(text)
		}
	case "run":
		if t := r.result(ev.Test); t != nil {
			t.running = true
		}
	case "pass", "fail", "skip":
		// With -count the test runs again: a failure in any run stays.
		if t := r.result(ev.Test); t != nil {
			t.running = false
			t.Runs++
			t.Elapsed += ev.Elapsed
			if ev.Action == "fail" {
				t.Fails++
			}
			if t.Action != "fail" {
				t.Action = ev.Action
			}
		}
	}
}

// result is the record of the named test, made on first use; nil for the
// events of the package as a whole.
func (r *testReport) result(name string) *testResult {
	if name == "" {
		return nil
	}
	t := r.results[name]
	if t == nil {
		t = &testResult{Name: name, Action: "run"}
		r.results[name] = t
		r.order = append(r.order, name)
	}
	return t
}

// framing matches the lines go test writes around a test's own output.
var framing = regexp.MustCompile(`^(=== (RUN|PAUSE|CONT|NAME)|\s*--- (PASS|FAIL|SKIP)|PASS$|FAIL$|ok\s|goos: |goarch: |pkg: |cpu: )`).MatchString

// tail is the last of the run's output, in cell terms, for a crash that no
// test's result explains.
func (r *testReport) tail() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.all, "")
}

// tests are the results of tests and examples (not benchmarks), in the
// order they started.
func (r *testReport) tests() []*testResult {
	var ts []*testResult
	for _, name := range r.order {
		if !strings.HasPrefix(name, "Benchmark") {
			ts = append(ts, r.results[name])
		}
	}
	return ts
}

// failure is the cell's error when a test failed: the first failed test,
// where it failed, and its message.
func (r *testReport) failure() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var failed []*testResult
	for _, name := range r.order {
		if t := r.results[name]; t.Action == "fail" && !hasFailedSubtest(r, name) {
			failed = append(failed, t)
		}
	}
	if len(failed) == 0 {
		return nil
	}
	first := failed[0]
	value := first.Name + " failed"
	if first.Runs > 1 {
		value += fmt.Sprintf(" in %d of %d runs", first.Fails, first.Runs)
	}
	if pos := failurePos(first.output); pos != "" {
		value += " at " + pos
	}
	var tb []string
	for _, t := range failed {
		tb = append(tb, "--- FAIL: "+t.Name)
		for _, l := range t.output {
			if !framing(l) {
				tb = append(tb, strings.TrimRight(l, "\n"))
			}
		}
	}
	if len(failed) > 1 {
		value += fmt.Sprintf(" (and %d more)", len(failed)-1)
	}
	return &engine.Error{Name: "TestFailed", Value: value, Traceback: tb}
}

// hasFailedSubtest reports whether a subtest of name failed too: the
// subtest, deeper, says better where.
func hasFailedSubtest(r *testReport, name string) bool {
	for _, other := range r.order {
		if strings.HasPrefix(other, name+"/") && r.results[other].Action == "fail" {
			return true
		}
	}
	return false
}

// cellPos matches a position in cell terms, after rewriting; logPos the
// position of a t.Log, t.Error or t.Fatal line.
var (
	cellPos = regexp.MustCompile(`(cell \[\d+\] )?\bline \d+`)
	logPos  = regexp.MustCompile(`^\s+((cell \[\d+\] )?line \d+):`)
)

// failurePos is where a failed test failed, from its output: the last of
// its t.Error and t.Fatal lines (a t.Log may come before them), else the
// first cell position of a panic or race report (its innermost frame).
func failurePos(output []string) string {
	last := ""
	for _, l := range output {
		if m := logPos.FindStringSubmatch(l); m != nil {
			last = m[1]
		}
	}
	if last != "" {
		return last
	}
	for _, l := range output {
		if framing(l) {
			continue
		}
		if m := cellPos.FindString(l); m != "" {
			return m
		}
	}
	return ""
}

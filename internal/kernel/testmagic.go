package kernel

import (
	"context"
	"flag"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/conclab/conclab/internal/engine"
)

// testFlags are the go test flags %test accepts, as said in its errors.
const testFlags = "-run REGEXP, -bench REGEXP, -benchtime 100ms|500x, -count N, -cpu 1,2,4, -benchmem, -timeout DURATION, -v, -short, -race=false (gonb's -test.NAME spellings too)"

// magicTest makes the cell run the notebook's tests as go test does, with
// the race detector unless -race=false.
func magicTest(_ *Kernel, _ context.Context, args []string, st *engine.Settings, _ *output) error {
	t, err := parseTestFlags(args)
	if err != nil {
		return err
	}
	st.Test = t
	return nil
}

// parseTestFlags reads %test's arguments into an engine.Test. As in gonb,
// `%test ""` runs every test of the notebook, and flags may be spelled as
// the test binary's (-test.v, -test.bench=.).
func parseTestFlags(args []string) (*engine.Test, error) {
	t := &engine.Test{Race: true}
	if len(args) == 1 && args[0] == "" {
		t.Run = "."
		return t, nil
	}
	fs := flag.NewFlagSet("%test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var cpu string
	fs.StringVar(&t.Run, "run", "", "")
	fs.StringVar(&t.Bench, "bench", "", "")
	fs.IntVar(&t.Count, "count", 0, "")
	fs.StringVar(&cpu, "cpu", "", "")
	fs.BoolVar(&t.Benchmem, "benchmem", false, "")
	fs.StringVar(&t.Benchtime, "benchtime", "", "")
	fs.DurationVar(&t.Timeout, "timeout", 0, "")
	fs.BoolVar(&t.Verbose, "v", false, "")
	fs.BoolVar(&t.Short, "short", false, "")
	fs.BoolVar(&t.Race, "race", true, "")
	norm := make([]string, len(args))
	for i, a := range args {
		norm[i] = a
		if rest, ok := strings.CutPrefix(a, "-test."); ok {
			norm[i] = "-" + rest
		}
	}
	if err := fs.Parse(norm); err != nil {
		return nil, errorf("UsageError", "%%test: %v; allowed: %s", err, testFlags)
	}
	if fs.NArg() > 0 {
		return nil, errorf("UsageError", "%%test: %q is not a flag; allowed: %s", fs.Arg(0), testFlags)
	}
	for _, re := range []struct{ name, v string }{{"-run", t.Run}, {"-bench", t.Bench}} {
		for _, part := range strings.Split(re.v, "/") {
			if _, err := regexp.Compile(part); err != nil {
				return nil, errorf("UsageError", "%%test %s: %q is not a regular expression: %v", re.name, re.v, err)
			}
		}
	}
	if bt := t.Benchtime; bt != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(bt, "x"))
		d, derr := time.ParseDuration(bt)
		if strings.HasSuffix(bt, "x") && (err != nil || n < 1) || !strings.HasSuffix(bt, "x") && (derr != nil || d <= 0) {
			return nil, errorf("UsageError", "%%test -benchtime: %q is not allowed: a duration like 100ms, or a number of iterations like 500x", bt)
		}
	}
	if t.Count < 0 {
		return nil, errorf("UsageError", "%%test -count: %d is not allowed: a count is a whole number from 1", t.Count)
	}
	if t.Timeout < 0 {
		return nil, errorf("UsageError", "%%test -timeout: %v is not allowed: a timeout is a positive duration like 5s (0: none)", t.Timeout)
	}
	if cpu != "" {
		for _, s := range strings.Split(cpu, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 || n > maxGOMAXPROCS {
				return nil, errorf("UsageError", "%%test -cpu: %q is not allowed: a comma-separated list of GOMAXPROCS values from 1 to %d, like 1,2,4", cpu, maxGOMAXPROCS)
			}
			t.CPU = append(t.CPU, n)
		}
	}
	return t, nil
}

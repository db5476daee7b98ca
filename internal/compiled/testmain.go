package compiled

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A testSet is what a test binary runs from one package: the functions
// go test would find in it, in source order.
type testSet struct {
	tests, benchmarks, fuzzTargets []string
	examples                       []*doc.Example // with an output comment
	testMain                       bool           // TestMain(m *testing.M)
}

// findTests lists the tests, benchmarks, fuzz targets and examples of src
// as go test does. It returns errIndirect when src does not parse or declares
// one with a signature go test refuses, so that the go command builds it and
// says what is wrong in its own words.
func findTests(src []byte) (testSet, error) {
	var s testSet
	f, err := parser.ParseFile(token.NewFileSet(), "main_test.go", src, parser.ParseComments)
	if err != nil {
		return s, errIndirect
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil {
			continue
		}
		name := fn.Name.Name
		var kind string
		var list *[]string
		switch {
		case name == "TestMain" && takesTesting(fn, "M"):
			s.testMain = true
			continue
		case hasTestPrefix(name, "Test"):
			kind, list = "T", &s.tests
		case hasTestPrefix(name, "Benchmark"):
			kind, list = "B", &s.benchmarks
		case hasTestPrefix(name, "Fuzz"):
			kind, list = "F", &s.fuzzTargets
		default:
			continue
		}
		if !takesTesting(fn, kind) {
			return s, errIndirect
		}
		*list = append(*list, name)
	}
	for _, ex := range doc.Examples(f) {
		// As go test: an example without an output comment is compiled,
		// not run.
		if ex.Output != "" || ex.EmptyOutput {
			s.examples = append(s.examples, ex)
		}
	}
	return s, nil
}

// hasTestPrefix reports whether name is one go test runs for prefix: the
// prefix alone, or followed by anything but a lower-case letter
// (TestAdd, Test_add, Test; not Testify).
func hasTestPrefix(name, prefix string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return rest == "" || !unicode.IsLower(r)
}

// takesTesting reports whether fn is func(x *testing.<kind>) with no type
// parameters and no results.
func takesTesting(fn *ast.FuncDecl, kind string) bool {
	t := fn.Type
	if t.TypeParams != nil || t.Results != nil || len(t.Params.List) != 1 || len(t.Params.List[0].Names) > 1 {
		return false
	}
	star, ok := t.Params.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && pkg.Name == "testing" && sel.Sel.Name == kind
}

// testMainFile is the name of the generated file of a test binary: after
// main_test.go in the compiler's (sorted) order, so that its init runs
// after the cell's own.
const testMainFile = "zz_testmain.go"

// testMainImports are the packages testMainFile imports.
var testMainImports = []string{"errors", "io", "os", "reflect", "regexp", "testing", "time", "internal/testlog"}

// mainSource is the file added to the cell's package to make it a test
// binary: tables of s's functions handed to testing.MainStart, with a
// testing dependency of its own, from an init function (the package's
// main function is the cell's, which a test binary does not run).
//
// The go command links testing/internal/testdeps instead, which brings
// fuzzing, profiling and signal handling: a %test cell runs the seed
// corpus of fuzz targets only, so coordinating fuzzing, CPU profiles and
// coverage answer that %test does not do them. Everything is named with a
// conclab prefix, so that it cannot collide with the cell's names; if it
// still does, the build falls back to go test -c.
func (s testSet) mainSource(pkgPath, modPath string) []byte {
	var b bytes.Buffer
	b.WriteString(testMainHead)
	table := func(name, typ string, funcs []string) {
		fmt.Fprintf(&b, "var %s = []conclab_testing.%s{\n", name, typ)
		for _, f := range funcs {
			fmt.Fprintf(&b, "\t{Name: %q, F: %s},\n", f, f)
		}
		b.WriteString("}\n\n")
	}
	table("conclabTests", "InternalTest", s.tests)
	table("conclabBenchmarks", "InternalBenchmark", s.benchmarks)
	b.WriteString("var conclabFuzzTargets = []conclab_testing.InternalFuzzTarget{\n")
	for _, f := range s.fuzzTargets {
		fmt.Fprintf(&b, "\t{Name: %q, Fn: %s},\n", f, f)
	}
	b.WriteString("}\n\nvar conclabExamples = []conclab_testing.InternalExample{\n")
	for _, ex := range s.examples {
		fmt.Fprintf(&b, "\t{Name: %q, F: Example%s, Output: %q, Unordered: %t},\n", "Example"+ex.Name, ex.Name, ex.Output, ex.Unordered)
	}
	b.WriteString("}\n\n")
	fmt.Fprintf(&b, "func init() {\n\tdeps := conclabTestDeps{importPath: %q, modulePath: %q}\n", pkgPath, modPath)
	b.WriteString("\tm := conclab_testing.MainStart(deps, conclabTests, conclabBenchmarks, conclabFuzzTargets, conclabExamples)\n")
	if s.testMain {
		// TestMain decides when to run the tests; the exit code is the
		// one m.Run recorded, which M keeps unexported.
		b.WriteString("\tTestMain(m)\n\tconclab_os.Exit(int(conclab_reflect.ValueOf(m).Elem().FieldByName(\"exitCode\").Int()))\n")
	} else {
		b.WriteString("\tconclab_os.Exit(m.Run())\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// testMainHead is the fixed part of testMainFile: imports and the testing
// dependency (testing.MainStart's testDeps interface, as of Go 1.26; a Go
// whose interface differs fails to compile the file, and the build falls
// back to go test -c).
const testMainHead = `// Generated by conclab for a %test cell.

package main

import (
	conclab_errors "errors"
	conclab_io "io"
	conclab_os "os"
	conclab_reflect "reflect"
	conclab_regexp "regexp"
	conclab_testing "testing"
	conclab_time "time"

	conclab_testlog "internal/testlog"
)

type conclabTestDeps struct{ importPath, modulePath string }

var conclabMatch struct {
	pat string
	re  *conclab_regexp.Regexp
}

func (d conclabTestDeps) ImportPath() string { return d.importPath }
func (d conclabTestDeps) ModulePath() string { return d.modulePath }

func (conclabTestDeps) MatchString(pat, str string) (bool, error) {
	if conclabMatch.re == nil || conclabMatch.pat != pat {
		re, err := conclab_regexp.Compile(pat)
		if err != nil {
			return false, err
		}
		conclabMatch.pat, conclabMatch.re = pat, re
	}
	return conclabMatch.re.MatchString(str), nil
}

func (conclabTestDeps) SetPanicOnExit0(v bool) { conclab_testlog.SetPanicOnExit0(v) }

var conclabNotInTest = conclab_errors.New("not available in a %test cell: use go test")

func (conclabTestDeps) StartCPUProfile(conclab_io.Writer) error            { return conclabNotInTest }
func (conclabTestDeps) StopCPUProfile()                                    {}
func (conclabTestDeps) StartTestLog(conclab_io.Writer)                     {}
func (conclabTestDeps) StopTestLog() error                                 { return nil }
func (conclabTestDeps) WriteProfileTo(string, conclab_io.Writer, int) error { return conclabNotInTest }

type conclabCorpusEntry = struct {
	Parent     string
	Path       string
	Data       []byte
	Values     []any
	Generation int
	IsSeed     bool
}

func (conclabTestDeps) CoordinateFuzzing(conclab_time.Duration, int64, conclab_time.Duration, int64, int, []conclabCorpusEntry, []conclab_reflect.Type, string, string) error {
	return conclabNotInTest
}
func (conclabTestDeps) RunFuzzWorker(func(conclabCorpusEntry) error) error { return conclabNotInTest }

// ReadCorpus reads testdata/fuzz: a notebook has none, its seeds are f.Add's.
func (conclabTestDeps) ReadCorpus(string, []conclab_reflect.Type) ([]conclabCorpusEntry, error) {
	return nil, nil
}

// CheckCorpus checks that f.Add's values match the fuzz function's types.
func (conclabTestDeps) CheckCorpus(vals []any, types []conclab_reflect.Type) error {
	if len(vals) != len(types) {
		return conclab_errors.New("wrong number of values in call to (*testing.F).Add")
	}
	for i := range vals {
		if conclab_reflect.TypeOf(vals[i]) != types[i] {
			return conclab_errors.New("mismatched types in call to (*testing.F).Add: " +
				conclab_reflect.TypeOf(vals[i]).String() + ", want " + types[i].String())
		}
	}
	return nil
}

func (conclabTestDeps) ResetCoverage()    {}
func (conclabTestDeps) SnapshotCoverage() {}
func (conclabTestDeps) InitRuntimeCoverage() (string, func(string, string) (string, error), func() float64) {
	return "", nil, nil
}

`

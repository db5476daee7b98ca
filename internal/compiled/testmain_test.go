package compiled

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestFindTests(t *testing.T) {
	const head = "package main\n\nimport (\n\t\"fmt\"\n\t\"testing\"\n)\n\n"
	tests := []struct {
		name                       string
		src                        string
		tests, benchmarks, fuzzing []string
		examples                   []string
		testMain                   bool
		indirect                   bool
	}{
		{
			name: "every kind",
			src: head + "func TestA(t *testing.T) {}\nfunc Test_b(*testing.T) {}\nfunc Testify(t *testing.T) {}\n" +
				"func BenchmarkA(b *testing.B) {}\nfunc FuzzA(f *testing.F) {}\n" +
				"func ExampleA() {\n\tfmt.Println(1)\n\t// Output: 1\n}\n" +
				"func ExampleB() {\n\tfmt.Println(2)\n}\n" + // no output comment: compiled, not run
				"func ExampleC() {\n\t// Output:\n}\n" +
				"func (x T) TestMethod(t *testing.T) {}\ntype T int\nfunc main() {}\n",
			tests: []string{"TestA", "Test_b"}, benchmarks: []string{"BenchmarkA"}, fuzzing: []string{"FuzzA"},
			examples: []string{"A", "C"},
		},
		{
			name:     "TestMain",
			src:      head + "func TestMain(m *testing.M) { m.Run() }\nfunc TestA(t *testing.T) {}\n",
			tests:    []string{"TestA"},
			testMain: true,
		},
		{
			// go test takes a TestMain of a test's shape for a test.
			name:  "TestMain shaped as a test",
			src:   head + "func TestMain(t *testing.T) {}\n",
			tests: []string{"TestMain"},
		},
		{name: "wrong signature", src: head + "func TestBad(n int) {}\n", indirect: true},
		{name: "result", src: head + "func BenchmarkBad(b *testing.B) int { return 0 }\n", indirect: true},
		{name: "generic", src: head + "func TestG[T any](t *testing.T) {}\n", indirect: true},
		{name: "unparsable", src: "package main\nfunc (", indirect: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := findTests([]byte(tt.src))
			if tt.indirect {
				if !errors.Is(err, errIndirect) {
					t.Fatalf("err = %v, want errIndirect (the go command says what is wrong)", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var examples []string
			for _, ex := range s.examples {
				examples = append(examples, ex.Name)
			}
			if !slices.Equal(s.tests, tt.tests) || !slices.Equal(s.benchmarks, tt.benchmarks) ||
				!slices.Equal(s.fuzzTargets, tt.fuzzing) || !slices.Equal(examples, tt.examples) || s.testMain != tt.testMain {
				t.Errorf("found tests %q, benchmarks %q, fuzz %q, examples %q, TestMain %v", s.tests, s.benchmarks, s.fuzzTargets, examples, s.testMain)
			}
		})
	}
}

// A test binary built with the compiler and linker directly runs its
// tests, examples and TestMain as go test -c's would, with its exit status.
func TestToolchainBuildsTestsDirectly(t *testing.T) {
	tc := newTestToolchain(t)
	const head = "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\t\"testing\"\n)\n\nvar _, _, _ = os.Exit, fmt.Println, testing.Short\n\nfunc main() { panic(\"a test binary does not run main\") }\n\n"
	tests := []struct {
		name   string
		src    string
		race   bool
		want   []string
		status int
	}{
		{"pass", head + "func TestA(t *testing.T) { fmt.Println(\"in A\") }\nfunc ExampleA() {\n\tfmt.Println(\"hi\")\n\t// Output: hi\n}\n",
			false, []string{"in A", "--- PASS: TestA", "--- PASS: ExampleA", "PASS"}, 0},
		{"failing example", head + "func ExampleA() {\n\tfmt.Println(\"hi\")\n\t// Output: bye\n}\n",
			false, []string{"--- FAIL: ExampleA", "got:\nhi\nwant:\nbye"}, 1},
		{"TestMain", head + "func TestMain(m *testing.M) {\n\tfmt.Println(\"set up\")\n\tm.Run()\n}\nfunc TestA(t *testing.T) { t.Fatal(\"no\") }\n",
			false, []string{"set up", "--- FAIL: TestA"}, 1},
		{"race", head + "func TestRace(t *testing.T) {\n\tn := 0\n\tdone := make(chan bool)\n\tgo func() { n++; done <- true }()\n\tn++\n\t<-done\n}\n",
			true, []string{"WARNING: DATA RACE", "--- FAIL: TestRace"}, 1},
		{"no tests", head, false, []string{"testing: warning: no tests to run", "PASS"}, 0},
		{"os.Exit(0) in a test", head + "func TestExits(t *testing.T) { os.Exit(0) }\n",
			false, []string{"unexpected call to os.Exit(0) during test"}, 2},
		{"fuzz seeds of the wrong type", head + "func FuzzA(f *testing.F) {\n\tf.Add(\"x\")\n\tf.Fuzz(func(t *testing.T, n int) {})\n}\n",
			false, []string{"mismatched types in call to (*testing.F).Add: string, want int", "--- FAIL: FuzzA"}, 1},
		{"a cell's init runs first", head + "var order []string\n\nfunc init() { order = append(order, \"cell\") }\n\nfunc TestOrder(t *testing.T) {\n\tif len(order) != 1 {\n\t\tt.Fatal(order)\n\t}\n}\n",
			false, []string{"--- PASS: TestOrder"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bin := filepath.Join(t.TempDir(), "test")
			if err := tc.buildTest(context.Background(), []byte(tt.src), tt.race, bin, func(s string) string { return s }); err != nil {
				t.Fatalf("buildTest: %v", err)
			}
			out, err := exec.Command(bin, "-test.v", "-test.paniconexit0").CombinedOutput()
			status := 0
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				status = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if status != tt.status {
				t.Errorf("exit status %d, want %d; output:\n%s", status, tt.status, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// A cell whose names collide with the generated file's is built by go test
// -c instead: the direct path answers errIndirect, not a compile error.
func TestBuildTestCollisionFallsBack(t *testing.T) {
	tc := newTestToolchain(t)
	src := "package main\n\nimport \"testing\"\n\nvar conclabTests = 1\n\nfunc TestA(t *testing.T) {}\n\nfunc main() {}\n"
	err := tc.buildTest(context.Background(), []byte(src), false, filepath.Join(t.TempDir(), "t"), func(s string) string { return s })
	if !errors.Is(err, errIndirect) {
		t.Fatalf("buildTest = %v, want errIndirect", err)
	}
}

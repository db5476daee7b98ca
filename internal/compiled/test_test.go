package compiled

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/conclab/conclab/internal/engine"
)

func TestExecuteTest(t *testing.T) {
	e := newEngine(t)
	// A remembered declaration, as an earlier cell leaves it.
	if err := run(t, e, 1, "func Add(a, b int) int { return a + b }\n", engine.Settings{}, &recorder{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		src       string
		test      engine.Test
		wantErr   string // "" for a passing run; else in the error's Error()
		wantOut   []string
		wantTable []string // in the displays' text/plain
	}{
		{name: "pass", src: "func TestAdd(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal(\"bad\")\n\t}\n\tfmt.Println(\"ran\")\n}\n",
			wantOut: []string{"ran\n"}, wantTable: []string{"TestAdd", "PASS"}},
		{name: "fail with its line", src: "func TestAddWrong(t *testing.T) {\n\tt.Log(\"checking\")\n\tt.Errorf(\"Add(1, 2) = %d\", Add(1, 2))\n}\n",
			wantErr: "TestFailed: TestAddWrong failed at line 3", wantOut: []string{"line 2: checking", "line 3: Add(1, 2) = 3"}, wantTable: []string{"TestAddWrong", "FAIL"}},
		{name: "race caught by default", src: "func TestRacy(t *testing.T) {\n\tn := 0\n\tdone := make(chan bool)\n\tgo func() { n++; done <- true }()\n\tn++\n\t<-done\n}\n",
			test: engine.Test{Race: true}, wantErr: "TestRacy failed at line", wantOut: []string{"DATA RACE"}},
		{name: "race off", src: "func TestRacy(t *testing.T) {\n\tn := 0\n\tdone := make(chan bool)\n\tgo func() { n++; done <- true }()\n\tn++\n\t<-done\n}\n",
			wantTable: []string{"TestRacy", "PASS"}},
		{name: "synctest fake clock", src: "func TestSleep(t *testing.T) {\n\tsynctest.Test(t, func(t *testing.T) {\n\t\tstart := time.Now()\n\t\ttime.Sleep(time.Hour)\n\t\tsynctest.Wait()\n\t\tif time.Since(start) != time.Hour {\n\t\t\tt.Fatal(\"clock\")\n\t\t}\n\t})\n}\n",
			test: engine.Test{Race: true}, wantTable: []string{"TestSleep", "PASS"}},
		{name: "synctest deadlock is a failure", src: "func TestStuck(t *testing.T) {\n\tsynctest.Test(t, func(t *testing.T) {\n\t\tch := make(chan int)\n\t\t<-ch\n\t})\n}\n",
			wantErr: "TestStuck failed at line 2", wantOut: []string{"deadlock"}},
		{name: "deadlock ends with Go's report", src: "func TestBlocked(t *testing.T) {\n\tch := make(chan int)\n\t<-ch\n}\n",
			wantErr: "TestBlocked failed", wantOut: []string{"all goroutines are asleep"}},
		{name: "benchmarks per cpu", src: "func BenchmarkAdd(b *testing.B) {\n\tfor b.Loop() {\n\t\tAdd(1, 2)\n\t}\n}\n",
			test:      engine.Test{CPU: []int{1, 2}, Benchmem: true},
			wantTable: []string{"BenchmarkAdd", "ns/op", "allocs/op", "time per operation by -cpu", "BenchmarkAdd, -cpu 2"}},
		{name: "example", src: "func ExampleAdd() {\n\tfmt.Println(Add(2, 2))\n\t// Output: 4\n}\n", wantTable: []string{"ExampleAdd", "PASS"}},
		{name: "TestMain runs around the tests", src: "func TestMain(m *testing.M) {\n\tfmt.Println(\"before\")\n\tm.Run()\n}\n\nfunc TestAddMain(t *testing.T) {\n\tfmt.Println(\"test\")\n}\n",
			test: engine.Test{Run: "TestAddMain"}, wantOut: []string{"before\n", "test\n"}, wantTable: []string{"TestAddMain", "PASS"}},
		{name: "fuzz seeds run as tests", src: "func FuzzAdd(f *testing.F) {\n\tf.Add(2)\n\tf.Add(-3)\n\tf.Fuzz(func(t *testing.T, n int) {\n\t\tif Add(n, n) != 2*n {\n\t\t\tt.Fatal(\"bad\")\n\t\t}\n\t})\n}\n",
			wantTable: []string{"FuzzAdd", "PASS"}},
		{name: "failing fuzz seed", src: "func FuzzAddPositive(f *testing.F) {\n\tf.Add(2)\n\tf.Add(-3)\n\tf.Fuzz(func(t *testing.T, n int) {\n\t\tif Add(n, 0) < 0 {\n\t\t\tt.Errorf(\"Add(%d, 0) is negative\", n)\n\t\t}\n\t})\n}\n",
			wantErr: "FuzzAddPositive", wantOut: []string{"line 6: Add(-3, 0) is negative"}, wantTable: []string{"FuzzAddPositive", "FAIL"}},
		{name: "a failure in one of several runs stays", src: "var runs int\n\nfunc TestFirstRunFails(t *testing.T) {\n\truns++\n\tif runs == 1 {\n\t\tt.Error(\"first run fails\")\n\t}\n}\n",
			test: engine.Test{Count: 3}, wantErr: "TestFailed: TestFirstRunFails failed in 1 of 3 runs at line 6", wantTable: []string{"TestFirstRunFails", "FAIL in 1 of 3 runs"}},
		{name: "subtest failure at its line", src: "func TestSub(t *testing.T) {\n\tt.Run(\"one\", func(t *testing.T) {})\n\tt.Run(\"two\", func(t *testing.T) {\n\t\tt.Error(\"two failed\")\n\t})\n}\n",
			wantErr: "TestSub/two failed at line 4", wantOut: []string{"line 4: two failed"}, wantTable: []string{"TestSub/two", "FAIL"}},
		// The direct build leaves what go test refuses to the go command,
		// whose message users know.
		{name: "wrong signature in go's words", src: "func TestTakesInt(n int) {}\n", wantErr: "wrong signature for TestTakesInt"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := &recorder{}
			test := tt.test
			if test.Bench != "" || len(test.CPU) > 0 {
				test.Count = 1
			}
			err := run(t, e, 10+i, tt.src, engine.Settings{Test: &test}, out)
			var ee *engine.Error
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("err = %v, want none; stdout:\n%s", err, out.stdout.String())
			case tt.wantErr != "" && (!errors.As(err, &ee) || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want %q; stdout:\n%s", err, tt.wantErr, out.stdout.String())
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out.stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.stdout.String())
				}
			}
			var tables strings.Builder
			for _, d := range out.displays {
				tables.WriteString(d.Data["text/plain"].(string) + "\n")
			}
			for _, w := range tt.wantTable {
				if !strings.Contains(tables.String(), w) {
					t.Errorf("tables lack %q:\n%s", w, tables.String())
				}
			}
		})
	}
}

func TestInterruptTest(t *testing.T) {
	e := newEngine(t)
	go func() {
		for !e.Interrupt() {
			time.Sleep(20 * time.Millisecond)
		}
	}()
	err := run(t, e, 1, "func TestForever(t *testing.T) {\n\tfor {\n\t\ttime.Sleep(time.Millisecond)\n\t}\n}\n", engine.Settings{Test: &engine.Test{}}, &recorder{})
	var ee *engine.Error
	if !errors.As(err, &ee) || ee.Name != "Interrupted" {
		t.Fatalf("err = %v, want Interrupted", err)
	}
}

func TestFailurePos(t *testing.T) {
	tests := []struct {
		name   string
		output []string
		want   string
	}{
		{"error after a log", []string{"=== RUN   TestA\n", "    line 2: checking\n", "    line 5: bad\n"}, "line 5"},
		{"remembered cell", []string{"    cell [3] line 7: bad\n"}, "cell [3] line 7"},
		{"panic frame", []string{"panic: boom\n", "main.TestA(0x1)\n", "\tline 4 +0x1d\n"}, "line 4"},
		{"deadline is not a line", []string{"    testing.go:1: deadline 5 passed\n"}, ""},
		{"none", []string{"--- FAIL: TestA (0.00s)\n"}, ""},
	}
	for _, tt := range tests {
		if got := failurePos(tt.output); got != tt.want {
			t.Errorf("%s: failurePos = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestParseBench(t *testing.T) {
	tests := []struct {
		line string
		want benchResult
		ok   bool
	}{
		{"BenchmarkAdd-2   \t1000000\t      1.5 ns/op\t       0 B/op\t       0 allocs/op\n", benchResult{Name: "BenchmarkAdd", CPU: 2, N: 1000000, NsOp: "1.5", BOp: "0", AllocsOp: "0"}, true},
		{"BenchmarkAdd \t 300\t 4000 ns/op\n", benchResult{Name: "BenchmarkAdd", CPU: 1, N: 300, NsOp: "4000"}, true},
		{"=== RUN   BenchmarkAdd\n", benchResult{}, false},
	}
	for _, tt := range tests {
		got, ok := parseBench(tt.line)
		if ok != tt.ok || got != tt.want {
			t.Errorf("parseBench(%q) = %+v, %v; want %+v, %v", tt.line, got, ok, tt.want, tt.ok)
		}
	}
}

func TestStatementsOfATestCellAreNamed(t *testing.T) {
	e := newEngine(t)
	out := &recorder{}
	src := "func TestOne(t *testing.T) {}\n\n// a comment\nfmt.Println(\"never\")\n"
	if err := run(t, e, 1, src, engine.Settings{Test: &engine.Test{}}, out); err != nil {
		t.Fatal(err)
	}
	if got := out.stderr.String(); !strings.Contains(got, "line 4: the statements of a %test cell do not run") {
		t.Errorf("stderr %q, want the note naming line 4", got)
	}
	if strings.Contains(out.stdout.String(), "never") {
		t.Errorf("stdout %q", out.stdout.String())
	}
	out = &recorder{}
	if err := run(t, e, 2, "func TestTwo(t *testing.T) {}\n", engine.Settings{Test: &engine.Test{}}, out); err != nil {
		t.Fatal(err)
	}
	if got := out.stderr.String(); strings.Contains(got, "do not run") {
		t.Errorf("a cell of declarations only: stderr %q", got)
	}
}

package live

import "testing"

func TestDebugShow(t *testing.T) {
	e := newTestEngine(t)
	for _, c := range []string{
		"x := 1",
		"func f(s []int) int { return s[5] }\nf(nil)",
		"panic(fmt.Errorf(\"wrapped %d\", 3))",
		"go func() {\n\tpanic(\"kaboom\")\n}()\nselect {}",
		"var m map[string]int\nm[\"a\"] = 1",
		"log.Fatal(\"bye\")",
		"strings.Lines(\"a\")",
		"fmt.Println(slices.Max([]int{1}))",
		"var wg sync.WaitGroup\nwg.Go(func() { fmt.Println(\"go\") })\nwg.Wait()",
		"ch := make(chan int)\n<-ch",
		"type T struct{ A int }\ntype T struct{ A, B int }\nT{1, 2}",
		"demos.FormatDuration(1500*time.Millisecond)",
		"x := 3\nfunc g() int { return x * 2 }\ng()",
	} {
		out, ce := run(t, e, c)
		t.Logf("cell %q\n stdout=%q stderr=%q results=%q", c, out.Stdout(), out.Stderr(), out.Results())
		if ce != nil {
			t.Logf(" error %s: %s\n  tb=%q", ce.Name, ce.Value, ce.Traceback)
		}
	}
}

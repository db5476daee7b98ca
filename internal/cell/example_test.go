package cell_test

import (
	"fmt"
	"strings"

	"github.com/conclab/conclab/internal/cell"
)

func ExampleParse() {
	c, err := cell.Parse(`%goflags -race
import "strings"
// Shout upper-cases s.
func Shout(s string) string { return strings.ToUpper(s) + "!" }
!echo building
fmt.Println(Shout("hello"))`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range c.Magics {
		fmt.Printf("magic %s %q on line %d\n", m.Name, m.Args, m.Line)
	}
	for _, s := range c.Shell {
		fmt.Printf("shell %q on line %d\n", s.Command, s.Line)
	}
	for _, d := range c.Decls {
		fmt.Printf("%s %v on line %d\n", d.Kind, d.Keys, d.Line)
	}
	fmt.Printf("body: %q\n", c.Body)
	// Output:
	// magic goflags "-race" on line 1
	// shell "echo building" on line 5
	// import [strings] on line 2
	// func [Shout] on line 3
	// body: "\n\n\n\n\nfmt.Println(Shout(\"hello\"))"
}

func ExampleParse_error() {
	_, err := cell.Parse("for i := range 3 {\n\tfmt.Println(i)\n")
	fmt.Println(err)
	// Output:
	// line 2: expected '}', found 'EOF'
}

func ExampleSession() {
	s := cell.NewSession()
	cells := []string{
		"func Double(n int) int { return 2 * n }",
		"var total = Double(21)",
		"fmt.Println(total)",
	}
	for i, src := range cells {
		c, err := cell.Parse(src)
		if err != nil {
			fmt.Println(err)
			return
		}
		p, err := s.Compose(c, i+1)
		if err != nil {
			fmt.Println(err)
			return
		}
		// The engine builds p.Source here and commits only if it built.
		s.Commit(p)
		if i == len(cells)-1 {
			fmt.Println(strings.Join(p.Imports, " "))
		}
	}
	for _, d := range s.Decls() {
		fmt.Printf("%s %v from cell [%d]\n", d.Kind, d.Keys, d.Cell)
	}
	removed, err := s.Remove("total")
	fmt.Println(removed, err)
	_, err = s.Remove("nope")
	fmt.Println(err)
	// Output:
	// fmt
	// func [Double] from cell [1]
	// var [total] from cell [2]
	// [total] <nil>
	// no remembered declaration named nope (%ls lists them)
}

func ExampleProgram_Rewrite() {
	s := cell.NewSession()
	c, _ := cell.Parse("x := 1\nfmt.Println(y)")
	p, _ := s.Compose(c, 4)
	// What `go build` says about the composed main.go:
	report := "/conclab/cell.go:2:13: undefined: y\n/conclab/cell2.go:7:2: declared and not used: z"
	fmt.Println(p.Rewrite(report))
	// Output:
	// line 2:13: undefined: y
	// cell [2] line 7:2: declared and not used: z
}

func ExampleIsComplete() {
	for _, src := range []string{
		"fmt.Println(1)",
		"for i := range 3 {",
		"x := 1 +",
		"x := 1 }",
	} {
		status, indent := cell.IsComplete(src)
		fmt.Printf("%-20q %s %q\n", src, status, indent)
	}
	// Output:
	// "fmt.Println(1)"     complete ""
	// "for i := range 3 {" incomplete "\t"
	// "x := 1 +"           incomplete "\t"
	// "x := 1 }"           invalid ""
}

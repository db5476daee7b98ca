package magic_test

import (
	"fmt"

	"github.com/conclab/conclab/internal/magic"
)

func Example() {
	type handler func(args []string) string
	reg, err := magic.New(
		magic.Magic[handler]{Kind: magic.Line, Names: []string{"time"}, Usage: "%time", Help: "time the cell",
			Run: func([]string) string { return "timing" }},
		magic.Magic[handler]{Kind: magic.Line, Names: []string{"timeout"}, Usage: "%timeout DURATION", Help: "stop the cell after DURATION",
			Args: magic.Arity{Min: 1, Max: 1}, Run: func(a []string) string { return "stop after " + a[0] }},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, _ := reg.Lookup(magic.Line, "timeout")
	fmt.Println(m.Args.Allows(1), m.Run([]string{"5s"}))
	matches, start, end, _ := reg.Complete("%ti", 3)
	fmt.Println(matches, start, end)
	fmt.Print(magic.Markdown(reg.Rows()))
	// Output:
	// true stop after 5s
	// [%time %timeout] 0 3
	// | magic | what it does |
	// | --- | --- |
	// | `%time` | time the cell |
	// | `%timeout DURATION` | stop the cell after DURATION |
}

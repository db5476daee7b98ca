package magic

import "testing"

// testRegistry is a small registry like the kernel's; its handlers are
// names, to see which magic was found.
func testRegistry(t *testing.T) Registry[string] {
	t.Helper()
	r, err := New(
		Magic[string]{Kind: Line, Names: []string{"time"}, Usage: "%time", Help: "time the cell", Run: "time"},
		Magic[string]{Kind: Line, Names: []string{"timeout"}, Usage: "%timeout DURATION", Help: "stop the cell after DURATION", Args: Arity{1, 1}, Run: "timeout"},
		Magic[string]{Kind: Line, Names: []string{"ls", "list"}, Usage: "%ls", Help: "list declarations", Run: "ls"},
		Magic[string]{Kind: FirstLine, Names: []string{"live"}, Usage: "%live [reset]", Help: "run the cell live", Args: Arity{0, 1}, Run: "live"},
		Magic[string]{Kind: Cell, Names: []string{"script"}, Usage: "%%script COMMAND", Help: "run the cell with COMMAND", Args: Arity{1, -1}, Run: "script"},
		Magic[string]{Kind: Cell, Names: []string{"sh", "bash"}, Usage: "%%sh", Help: "run the cell with sh", Run: "sh"},
		Magic[string]{Kind: Syntax, Usage: "!command", Help: "a shell command"},
	)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

package live

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/conclab/conclab/internal/engine"
)

// Every row of the README's table of what live cells refuse is what a live
// cell answers: its example, prepared as the kernel prepares a live cell
// (with a session that has the names the examples use), fails with the
// row's message.
func TestREADMELiveRefusals(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(readme), "What live cells refuse, with what the cell answers")
	if !ok {
		t.Fatal("README.md has no table of what live cells refuse")
	}
	rows := 0
	for line := range strings.Lines(table) {
		line = strings.TrimSpace(line)
		if rows > 0 && !strings.HasPrefix(line, "|") {
			break
		}
		cols := strings.Split(strings.Trim(line, "|"), " | ")
		if len(cols) != 3 || strings.HasPrefix(cols[1], "-") || cols[1] == "a cell that does it" {
			continue
		}
		rows++
		code, _, _ := strings.Cut(cols[1], "` (") // "`type point ...` (after another point)"
		code = strings.Trim(strings.TrimSpace(code), "`")
		if strings.HasPrefix(code, "%") {
			code += "\nfmt.Println(1)"
		}
		want := strings.TrimSpace(cols[2])
		_, err := prepare(code, 1, testKnowledge(map[string]string{"load": "func", "xs": "slice"}))
		var ee *engine.Error
		if !errors.As(err, &ee) || ee.Value != want {
			t.Errorf("README row %q: the cell answers %v, the README says %q", code, err, want)
		}
	}
	if rows < 10 {
		t.Errorf("%d rows read from the README's table", rows)
	}
}

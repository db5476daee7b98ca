package magic

import (
	"fmt"
	"strings"
)

// tableHeader is the first two lines of the README's table of magics.
const tableHeader = "| magic | what it does |\n| --- | --- |\n"

// Markdown is rows as the README's table: a header, then a row per magic
// with its syntax as code.
func Markdown(rows []Row) string {
	var b strings.Builder
	b.WriteString(tableHeader)
	for _, r := range rows {
		fmt.Fprintf(&b, "| `%s` | %s |\n", r.Syntax, r.Help)
	}
	return b.String()
}

// ParseTable reads the first Markdown table in text, as Markdown writes it:
// the header, then one Row per line until the first line that is not a row.
func ParseTable(text string) ([]Row, error) {
	lines := strings.Split(text, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "|") {
			start = i
			break
		}
	}
	if start < 0 {
		return nil, fmt.Errorf("no table")
	}
	if start+1 >= len(lines) || !strings.HasPrefix(strings.TrimSpace(lines[start+1]), "| ---") {
		return nil, fmt.Errorf("line %d: the table has no header", start+1)
	}
	var rows []Row
	for i := start + 2; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(l, "|") {
			break
		}
		cells := strings.Split(strings.Trim(l, "|"), "|")
		if len(cells) != 2 {
			return nil, fmt.Errorf("line %d: %d cells, want 2: %s", i+1, len(cells), l)
		}
		syntax := strings.TrimSpace(cells[0])
		code, open := strings.CutPrefix(syntax, "`")
		code, closed := strings.CutSuffix(code, "`")
		if !open || !closed || strings.Contains(code, "`") {
			return nil, fmt.Errorf("line %d: the first cell is not one code span: %s", i+1, syntax)
		}
		rows = append(rows, Row{Syntax: code, Help: strings.TrimSpace(cells[1])})
	}
	return rows, nil
}

package kernel

import (
	"fmt"
	"html"
	"sort"
	"strings"

	"github.com/conclab/conclab/internal/display"
)

// helpDisplay is what %help shows: how cells work, every magic and the
// memory limit (memory), as HTML with a plain-text fallback.
func helpDisplay(magics map[string]magic, memory string) display.Data {
	names := make([]string, 0, len(magics))
	for n := range magics {
		names = append(names, n)
	}
	sort.Strings(names)
	var text, rows strings.Builder
	text.WriteString(helpIntro + "\n\nLine magics:\n")
	for _, n := range names {
		m := magics[n]
		fmt.Fprintf(&text, "  %-22s %s\n", m.usage, m.help)
		fmt.Fprintf(&rows, "<tr><td><code>%s</code></td><td>%s</td></tr>", html.EscapeString(m.usage), html.EscapeString(m.help))
	}
	text.WriteString("\nOther lines:\n")
	var other strings.Builder
	for _, o := range otherSyntax {
		fmt.Fprintf(&text, "  %-22s %s\n", o[0], o[1])
		fmt.Fprintf(&other, "<tr><td><code>%s</code></td><td>%s</td></tr>", html.EscapeString(o[0]), html.EscapeString(o[1]))
	}
	text.WriteString("\n" + memory + "\n")
	h := "<div><p>" + html.EscapeString(helpIntro) + "</p><table><tr><th>magic</th><th>what it does</th></tr>" +
		rows.String() + other.String() + "</table><p>" + html.EscapeString(memory) + "</p></div>"
	return display.Data{Data: map[string]any{"text/plain": text.String(), "text/html": h}}
}

const helpIntro = "conclab cells are Go. Declarations (import, func, type, var, const) are remembered " +
	"from cell to cell; a new one with the same name replaces the old. Other statements run in main. " +
	"Missing imports are added for you, including demos, plots and gonbui."

var otherSyntax = [][2]string{
	{"!command", "run a shell command in the notebook's directory"},
	{"!*command", "run a shell command in the directory where cells are built (e.g. !*go get module)"},
	{"%% or %main", "the rest of the cell is main's body (gonb style)"},
	{"//gonb:%magic", "a magic written as a Go comment, as in gonb"},
	{"%%script CMD", "run the rest of the cell with CMD (e.g. python3); %%bash and %%python3 are shorthands"},
}

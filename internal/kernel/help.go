package kernel

import (
	"fmt"
	"html"
	"strings"

	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/magic"
)

// helpDisplay is what %help shows: how cells work, every magic of magics
// and the memory limit (memory), as HTML with a plain-text fallback.
func helpDisplay(magics magic.Registry[magicHandler], memory string) display.Data {
	var text, rows strings.Builder
	text.WriteString(helpIntro + "\n")
	for _, sec := range magics.Help() {
		fmt.Fprintf(&text, "\n%s:\n", sec.Kind)
		fmt.Fprintf(&rows, "<tr><th colspan=\"2\">%s</th></tr>", html.EscapeString(sec.Kind.String()))
		for _, r := range sec.Rows {
			fmt.Fprintf(&text, "  %-22s %s\n", r.Syntax, r.Help)
			fmt.Fprintf(&rows, "<tr><td><code>%s</code></td><td>%s</td></tr>", html.EscapeString(r.Syntax), html.EscapeString(r.Help))
		}
	}
	text.WriteString("\n" + memory + "\n")
	h := "<div><p>" + html.EscapeString(helpIntro) + "</p><table><tr><th>magic</th><th>what it does</th></tr>" +
		rows.String() + "</table><p>" + html.EscapeString(memory) + "</p></div>"
	return display.Data{Data: map[string]any{"text/plain": text.String(), "text/html": h}}
}

const helpIntro = "conclab cells are Go. Declarations (import, func, type, var, const) are remembered " +
	"from cell to cell; a new one with the same name replaces the old. Other statements run in main. " +
	"Missing imports are added for you, including demos, plots, check and gonbui."

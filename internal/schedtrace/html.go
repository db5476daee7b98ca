package schedtrace

import (
	"fmt"
	"html"
	"strings"
)

// HTML is the summary as a short HTML table for a notebook: the facts of
// Lines, then the time goroutines spent in each state, with notes (such as
// why the trace ends early) as paragraphs below.
func (s Summary) HTML(notes ...string) string {
	var b strings.Builder
	b.WriteString(`<div class="conclab-trace"><table>`)
	row := func(cells ...string) {
		b.WriteString("<tr>")
		for i, c := range cells {
			tag := "td"
			if i == 0 {
				tag = "th"
			}
			fmt.Fprintf(&b, `<%s style="text-align:left">%s</%s>`, tag, html.EscapeString(c), tag)
		}
		b.WriteString("</tr>")
	}
	span := formatDuration(s.Span)
	if s.GOMAXPROCS > 0 {
		span += fmt.Sprintf(", GOMAXPROCS=%d", s.GOMAXPROCS)
	}
	row("traced", span, "")
	row("goroutines", fmt.Sprintf("%d created while tracing, %d in all", s.Created, s.Goroutines), "")
	row("most runnable at once", fmt.Sprint(s.MaxRunnable), "waiting for a P at the same moment")
	var total int64
	for st := range Runtime {
		total += int64(s.Time[st])
	}
	row("state", "time, summed over goroutines", "share")
	for _, st := range append([]State{Running, Assist, Runnable}, blockedOrder...) {
		if d := s.Time[st]; d > 0 {
			name := st.String()
			if st.Blocked() {
				name = "blocked: " + blockedLabel(st)
			}
			row(name, formatDuration(d), percent(float64(d)/float64(max(total, 1))))
		}
	}
	if s.GCCycles > 0 {
		row("GC", fmt.Sprintf("%d cycles", s.GCCycles), "stop-the-world "+formatDuration(s.STW))
	}
	b.WriteString("</table>")
	if s.Incomplete != "" {
		notes = append(notes, "The trace is incomplete: "+s.Incomplete)
	}
	for _, n := range notes {
		b.WriteString("<p>" + html.EscapeString(n) + "</p>")
	}
	b.WriteString("</div>")
	return b.String()
}

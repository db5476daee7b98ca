package schedview

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/schedtrace"
	"github.com/conclab/conclab/plots"
)

// largeTrace is how many events make a trace large enough that the heap it
// grew is handed back to the OS once drawn.
const largeTrace = 62_500

// Show draws t under a cell: the picture as a PNG, then the summary as an
// HTML table (with a plain-text fallback) followed by notes. A picture that
// cannot be drawn gives a notice on stderr; it never fails the cell.
func Show(out engine.Output, t *schedtrace.Trace, notes []string, opt Options) {
	defer func() {
		if r := recover(); r != nil {
			out.Stream("stderr", fmt.Sprintf("conclab: %%trace: could not draw the trace (%v)\n", r))
		}
	}()
	if t.Events > largeTrace {
		// A large trace leaves the kernel's heap grown for the rest of
		// the session unless handed back at once.
		defer debug.FreeOSMemory()
	}
	if opt.Title == "" {
		opt.Title = "%trace: the scheduler's view of this cell"
	}
	view := View(t, opt)
	view.Summary = append(view.Summary, notes...)
	chart := plots.Sched(view)
	s := t.Summary()
	text := fmt.Sprintf("%%trace: %s on %s over %s (a picture)",
		count(s.Goroutines, "goroutine"), count(s.Procs, "P"), engine.Round(s.Span))
	if err := engine.ShowChart(out, chart, text); err != nil {
		out.Stream("stderr", "conclab: %trace: drawing the trace: "+err.Error()+"\n")
		return
	}
	out.Display(display.Data{Data: map[string]any{
		"text/html":  s.HTML(notes...),
		"text/plain": chart.String(),
	}})
}

// count is "1 P" or "2 Ps".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Span formats a stretch of a trace as %trace's notes do: "12.3ms".
func Span(t *schedtrace.Trace) string { return strings.TrimSpace(engine.Round(t.Span).String()) }

package compiled

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/plots"
)

// testPos matches the position the testing package gives t.Log, t.Error
// and t.Fatal lines: the base name of a composed program's virtual file
// (see package cell) and a line, "    cell.go:12: message".
var testPos = regexp.MustCompile(`(?m)^(\s*)(?:cell(\d*)|(generated))\.go:(\d+):`)

// rewriteTestOutput puts a line of a test's output in cell terms: the
// positions of panics and race reports as Program.Rewrite does, and those
// of the testing package's log lines.
func rewriteTestOutput(prog *cell.Program, text string) string {
	text = prog.Rewrite(text)
	return testPos.ReplaceAllStringFunc(text, func(m string) string {
		g := testPos.FindStringSubmatch(m)
		switch {
		case g[3] != "":
			return g[1] + "generated code line " + g[4] + ":"
		case g[2] != "":
			return g[1] + "cell [" + g[2] + "] line " + g[4] + ":"
		}
		return g[1] + "line " + g[4] + ":"
	})
}

// A benchResult is one line of a benchmark's results.
type benchResult struct {
	Name     string
	CPU      int // the GOMAXPROCS it ran with
	N        int64
	NsOp     string
	BOp      string
	AllocsOp string
}

// benchLine matches a benchmark's result line: name, -cpu suffix,
// iterations and the measurements.
var benchLine = regexp.MustCompile(`^(Benchmark\S*?)(?:-(\d+))?\s+(\d+)\s+(.*\bns/op.*)$`)

// parseBench reads a benchmark's result line.
func parseBench(line string) (benchResult, bool) {
	m := benchLine.FindStringSubmatch(strings.TrimSpace(line))
	if m == nil {
		return benchResult{}, false
	}
	b := benchResult{Name: m[1]}
	b.CPU = 1 // go test leaves out the suffix for GOMAXPROCS=1
	if m[2] != "" {
		b.CPU, _ = strconv.Atoi(m[2])
	}
	b.N, _ = strconv.ParseInt(m[3], 10, 64)
	f := strings.Fields(m[4])
	for i := 1; i < len(f); i++ {
		switch f[i] {
		case "ns/op":
			b.NsOp = f[i-1]
		case "B/op":
			b.BOp = f[i-1]
		case "allocs/op":
			b.AllocsOp = f[i-1]
		}
	}
	return b, true
}

// show displays the tables of the run's tests and benchmarks, as HTML with
// a text/plain fallback.
func (r *testReport) show() {
	r.mu.Lock()
	tests := r.tests()
	benches := r.benches
	r.mu.Unlock()
	if len(tests) > 0 {
		rows := make([][]string, len(tests))
		for i, t := range tests {
			rows[i] = []string{t.Name, t.word(), fmt.Sprintf("%.2fs", t.Elapsed)}
		}
		r.out.Display(table([]string{"test", "result", "time"}, rows))
	}
	if len(benches) > 0 {
		rows := make([][]string, len(benches))
		for i, b := range benches {
			rows[i] = []string{b.Name, strconv.Itoa(b.CPU), strconv.FormatInt(b.N, 10), dash(b.NsOp), dash(b.BOp), dash(b.AllocsOp)}
		}
		r.out.Display(table([]string{"benchmark", "cpu", "iterations", "ns/op", "B/op", "allocs/op"}, rows))
		r.cpuChart(benches)
	}
}

// cpuChart draws the time per operation of each benchmark that ran with
// more than one -cpu value, a bar per value, so that what more Ps did to
// it shows at a glance: a chart only when there is something to compare.
func (r *testReport) cpuChart(benches []benchResult) {
	cpus := map[string]map[int]bool{}
	for _, b := range benches {
		if cpus[b.Name] == nil {
			cpus[b.Name] = map[int]bool{}
		}
		cpus[b.Name][b.CPU] = true
	}
	var bars []plots.Bar
	for _, b := range benches {
		ns, err := strconv.ParseFloat(b.NsOp, 64)
		if len(cpus[b.Name]) < 2 || err != nil || ns < 0 {
			continue
		}
		bars = append(bars, plots.Bar{Label: fmt.Sprintf("%s, -cpu %d", b.Name, b.CPU), Value: ns, Text: b.NsOp + " ns/op"})
	}
	if len(bars) == 0 {
		return
	}
	chart := plots.Bars("time per operation by -cpu (GOMAXPROCS): shorter is faster", "ns/op", bars)
	if err := engine.ShowChart(r.out, chart, chart.String()); err != nil {
		r.out.Stream("stderr", "conclab: %test: drawing the benchmarks: "+err.Error()+"\n")
	}
}

// resultWord says how a test ended; a test with no end ran when the
// program stopped.
// word is the test's result in the table: "PASS", or over several runs
// "FAIL in 3 of 20 runs", "PASS, 20 runs"; "did not finish" for a run
// that never ended.
func (t *testResult) word() string {
	switch {
	case t.running:
		return resultWord("")
	case t.Runs > 1 && t.Action == "fail":
		return fmt.Sprintf("FAIL in %d of %d runs", t.Fails, t.Runs)
	case t.Runs > 1:
		return fmt.Sprintf("%s, %d runs", resultWord(t.Action), t.Runs)
	}
	return resultWord(t.Action)
}

func resultWord(action string) string {
	switch action {
	case "pass":
		return "PASS"
	case "fail":
		return "FAIL"
	case "skip":
		return "SKIP"
	}
	return "did not finish"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// table is a display of rows under head: an HTML table, and aligned
// columns as text/plain.
func table(head []string, rows [][]string) display.Data {
	width := make([]int, len(head))
	for i, h := range head {
		width[i] = len(h)
	}
	for _, row := range rows {
		for i, c := range row {
			width[i] = max(width[i], len(c))
		}
	}
	var text, h strings.Builder
	line := func(cells []string) {
		for i, c := range cells {
			if i > 0 {
				text.WriteString("  ")
			}
			fmt.Fprintf(&text, "%-*s", width[i], c)
		}
		text.WriteString("\n")
	}
	line(head)
	h.WriteString("<table><thead><tr>")
	for _, c := range head {
		h.WriteString("<th>" + html.EscapeString(c) + "</th>")
	}
	h.WriteString("</tr></thead><tbody>")
	for _, row := range rows {
		line(row)
		h.WriteString("<tr>")
		for _, c := range row {
			style := ""
			switch c {
			case "FAIL", "did not finish":
				style = ` style="color:#b00"`
			case "PASS":
				style = ` style="color:#070"`
			}
			h.WriteString("<td" + style + ">" + html.EscapeString(c) + "</td>")
		}
		h.WriteString("</tr>")
	}
	h.WriteString("</tbody></table>")
	return display.Data{Data: map[string]any{"text/html": h.String(), "text/plain": strings.TrimRight(text.String(), "\n")}}
}

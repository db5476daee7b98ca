package plots

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A Bar is one row of a bar chart: a label, its value, and the text written
// at the end of the bar ("" writes the value with three significant
// digits).
type Bar struct {
	Label string
	Value float64
	Text  string
}

// barColor fills every bar: the rows are one measure, so one color.
var barColor = color.RGBA{R: 70, G: 130, B: 180, A: 255}

// Bars draws one horizontal bar per value, the first on top, with the value
// written at the end of each bar, and a dashed line at each reference value
// (1 and 2 on a chart of speedups on two cores: no gain, both cores busy).
// axis names the values ("times as fast as one worker"). Values must be
// finite and not negative; a chart with other values reports the error
// when rendered.
func Bars(title, axis string, bars []Bar, refs ...float64) *Chart {
	if title == "" {
		title = "bars"
	}
	p := newPlot(axis, "")
	c := &Chart{plot: p, legend: newLegend(), width: DefaultWidth, title: title}
	n := len(bars)
	c.height = vg.Length(chromeHeight + 12 + 30*math.Max(float64(n), 1))
	top := 0.0
	for _, r := range refs {
		top = math.Max(top, r)
	}
	values := make(plotter.Values, n)
	var ticks []plot.Tick
	var ends plotter.XYs
	var texts []string
	for i, b := range bars {
		if math.IsNaN(b.Value) || math.IsInf(b.Value, 0) || b.Value < 0 {
			c.err = fmt.Errorf("bars %q: %q has the value %v; want a finite value of at least 0", title, b.Label, b.Value)
			return c
		}
		y := float64(n - 1 - i) // first bar on top
		values[n-1-i] = b.Value
		ticks = append(ticks, plot.Tick{Value: y, Label: b.Label})
		top = math.Max(top, b.Value)
		ends = append(ends, plotter.XY{X: b.Value, Y: y})
		texts = append(texts, barText(b))
	}
	p.Add(lightGridX())
	for _, r := range refs { // behind the bars
		line, err := plotter.NewLine(plotter.XYs{{X: r, Y: -0.6}, {X: r, Y: float64(max(n, 1)) - 0.4}})
		if err != nil {
			c.err = fmt.Errorf("bars %q: reference %v: %w", title, r, err)
			return c
		}
		line.LineStyle = draw.LineStyle{Color: color.Gray{Y: 110}, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
		p.Add(line)
	}
	if n > 0 {
		chart, err := plotter.NewBarChart(values, vg.Points(16))
		if err != nil {
			c.err = fmt.Errorf("bars %q: %w", title, err)
			return c
		}
		chart.Horizontal = true
		chart.Color = barColor
		chart.LineStyle.Width = 0
		p.Add(chart)
		p.Add(&barTexts{ends: ends, texts: texts, refs: refs})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Min, p.Y.Max = -0.6, float64(max(n, 1))-0.4
	p.X.Min, p.X.Max = 0, math.Max(top, 1e-9)*1.18 // room for the text at the end of the longest bar
	p.X.Tick.Marker = stepTicks{}
	c.summary = "Bars: " + title + "\n" + barTable(axis, bars, texts, refs)
	return c
}

// barText is what is written at the end of b's bar.
func barText(b Bar) string {
	if b.Text != "" {
		return b.Text
	}
	return fmt.Sprintf("%.3g", b.Value)
}

// barTable is the chart's text: one row per bar, then the reference lines.
func barTable(axis string, bars []Bar, texts []string, refs []float64) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	if axis != "" {
		fmt.Fprintf(w, "\t%s\n", axis)
	}
	for i, bar := range bars {
		fmt.Fprintf(w, "%s\t%s\n", bar.Label, texts[i])
	}
	w.Flush()
	if len(refs) > 0 {
		rs := make([]string, len(refs))
		for i, r := range refs {
			rs[i] = fmt.Sprintf("%.3g", r)
		}
		fmt.Fprintf(&b, "reference lines at %s\n", strings.Join(rs, ", "))
	}
	return b.String()
}

// barTexts writes each bar's text at its end: outside the bar, unless that
// would cross a reference line or leave the plot, then inside it in white
// when it fits there.
type barTexts struct {
	ends  plotter.XYs
	texts []string
	refs  []float64
}

// Plot implements plot.Plotter.
func (b *barTexts) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := textStyle(9, false)
	sty.YAlign = draw.YCenter
	pad := vg.Points(4)
	for i, end := range b.ends {
		text := b.texts[i]
		x0, x1, y := trX(0), trX(end.X), trY(end.Y)
		w := sty.Width(text)
		out := vg.Point{X: x1 + pad, Y: y}
		crosses := out.X+w > c.Max.X
		for _, r := range b.refs {
			if xr := trX(r); xr > x1 && xr < out.X+w+pad/2 {
				crosses = true
			}
		}
		if crosses && x1-x0 > w+2*pad {
			in := sty
			in.XAlign, in.Color = draw.XRight, color.White
			c.FillText(in, vg.Point{X: x1 - pad, Y: y}, text)
			continue
		}
		sty.XAlign, sty.Color = draw.XLeft, color.Black
		c.FillText(sty, out, text)
	}
}

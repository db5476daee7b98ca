package plots

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A Sample is a named set of durations, such as how long each of 1000
// goroutines took to start.
type Sample struct {
	Name   string
	Values []time.Duration
}

// maxDots is the most values per sample drawn as dots beside the box; past
// that, dots would only blacken the row.
const maxDots = 2000

// Distribution draws each sample as a horizontal box plot (median, quartiles,
// whiskers to the farthest values within 1.5 interquartile ranges, outliers
// as points) over its values as faint dots. The duration axis is
// logarithmic when the values span 20× or more, as goroutine and process
// start times do, so that both can be read on one chart. Samples with no
// values get an empty row.
func Distribution(title string, samples ...Sample) *Chart {
	if title == "" {
		title = "distribution"
	}
	lo, hi := time.Duration(math.MaxInt64), time.Duration(0)
	nonPositive := false
	for _, s := range samples {
		for _, v := range s.Values {
			lo, hi = min(lo, v), max(hi, v)
			nonPositive = nonPositive || v <= 0
		}
	}
	logX := !nonPositive && hi > 0 && float64(hi)/float64(lo) >= 20
	unit := time.Second
	if !logX {
		unit = axisUnit(max(hi, 0))
	}
	xLabel := "duration (" + unitName(unit) + ")"
	if logX {
		xLabel = "duration (log scale)"
	}
	p := newPlot(xLabel, "")
	c := &Chart{plot: p, legend: newLegend(), width: DefaultWidth}
	n := len(samples)
	c.height = vg.Length(chromeHeight + 20 + 56*math.Max(float64(n), 1))

	p.Add(lightGridX())
	var ticks []plot.Tick
	for i, s := range samples {
		y := float64(n - 1 - i) // first sample on top
		ticks = append(ticks, plot.Tick{Value: y, Label: sampleName(s, i)})
		if len(s.Values) == 0 {
			continue
		}
		vals := make(plotter.Values, len(s.Values))
		for j, v := range s.Values {
			vals[j] = inUnit(v, unit)
		}
		clr := sampleColor(i)
		if len(vals) <= maxDots {
			dots, err := plotter.NewScatter(jitter(vals, y))
			if err != nil {
				c.err = fmt.Errorf("distribution %q: %w", s.Name, err)
				return c
			}
			faint := color.NRGBAModel.Convert(clr).(color.NRGBA)
			faint.A = 0x70
			dots.GlyphStyle = draw.GlyphStyle{Color: faint, Radius: vg.Points(1.3), Shape: draw.CircleGlyph{}}
			p.Add(dots)
		}
		box, err := plotter.NewBoxPlot(vg.Points(18), y, vals)
		if err != nil {
			c.err = fmt.Errorf("distribution %q: %w", s.Name, err)
			return c
		}
		box.Horizontal = true
		box.BoxStyle = draw.LineStyle{Color: clr, Width: vg.Points(1.2)}
		box.MedianStyle = draw.LineStyle{Color: color.Black, Width: vg.Points(2)}
		box.WhiskerStyle = draw.LineStyle{Color: clr, Width: vg.Points(1)}
		box.GlyphStyle = draw.GlyphStyle{Color: clr, Radius: vg.Points(2), Shape: draw.RingGlyph{}}
		p.Add(box)
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Min, p.Y.Max = -0.6, float64(max(n, 1))-0.4
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = durationLogTicks{}
		p.X.Min, p.X.Max = inUnit(lo, unit)/1.2, inUnit(hi, unit)*1.2
	} else {
		p.X.Tick.Marker = stepTicks{}
		p.X.Min = math.Min(0, inUnit(lo, unit))
		if hi <= 0 {
			p.X.Max = 1
		}
	}

	var sum []string
	c.title = title
	if head := medianComparison(samples); head != "" {
		c.title += "\n" + head
		sum = append(sum, head)
	}
	c.summary = "Distribution: " + title + "\n" + strings.Join(append(sum, distributionTable(samples)), "\n")
	return c
}

// sampleName labels a sample's row.
func sampleName(s Sample, i int) string {
	name := s.Name
	if name == "" {
		name = fmt.Sprintf("sample %d", i+1)
	}
	return fmt.Sprintf("%s (n=%d)", name, len(s.Values))
}

// sampleColor colors sample i, from the conventional phase colors.
func sampleColor(i int) color.Color {
	order := []string{"cpu", "start", "hold lock", "io", "wait lock", "sleep"}
	return NewPalette().Color(order[i%len(order)])
}

// jitter spreads a row's dots vertically by a fixed low-discrepancy
// sequence, so the picture is the same on every run.
func jitter(vals plotter.Values, y float64) plotter.XYs {
	const golden = 0.6180339887498949
	xys := make(plotter.XYs, len(vals))
	for i, v := range vals {
		frac := math.Mod(float64(i+1)*golden, 1)
		xys[i] = plotter.XY{X: v, Y: y + (frac-0.5)*0.5}
	}
	return xys
}

// lightGridX is a faint grid of vertical lines only.
func lightGridX() *plotter.Grid {
	g := lightGrid()
	g.Horizontal.Color = nil
	return g
}

// quantile of sorted durations by linear interpolation, q in [0, 1].
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	pos := q * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	frac := pos - float64(i)
	return sorted[i] + time.Duration(frac*float64(sorted[i+1]-sorted[i]))
}

// distributionTable lists each sample's count and quantiles.
func distributionTable(samples []Sample) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "sample\tn\tmin\tp25\tmedian\tp75\tp90\tmax\tmean")
	for i, s := range samples {
		name := s.Name
		if name == "" {
			name = fmt.Sprintf("sample %d", i+1)
		}
		if len(s.Values) == 0 {
			fmt.Fprintf(tw, "%s\t0\t-\t-\t-\t-\t-\t-\t-\n", name)
			continue
		}
		sorted := slices.Clone(s.Values)
		slices.Sort(sorted)
		var total float64
		for _, v := range sorted {
			total += float64(v)
		}
		fmt.Fprintf(tw, "%s\t%d", name, len(sorted))
		for _, q := range []float64{0, 0.25, 0.5, 0.75, 0.9, 1} {
			fmt.Fprintf(tw, "\t%s", formatDuration(quantile(sorted, q)))
		}
		fmt.Fprintf(tw, "\t%s\n", formatDuration(timeDuration(total/float64(len(sorted)))))
	}
	tw.Flush()
	return strings.TrimRight(b.String(), "\n")
}

// medianComparison relates each sample's median to the first sample's:
// "process start: median 1.2 ms, 450× goroutine start".
func medianComparison(samples []Sample) string {
	var parts []string
	var first time.Duration
	firstName := ""
	for i, s := range samples {
		if len(s.Values) == 0 {
			continue
		}
		sorted := slices.Clone(s.Values)
		slices.Sort(sorted)
		m := quantile(sorted, 0.5)
		name := s.Name
		if name == "" {
			name = fmt.Sprintf("sample %d", i+1)
		}
		part := name + " median " + formatDuration(m)
		if firstName == "" {
			first, firstName = m, name
		} else if first > 0 {
			part += " (" + formatTimes(float64(m)/float64(first)) + " " + firstName + ")"
		}
		parts = append(parts, part)
	}
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts, " · ")
}

// durationLogTicks labels a log axis of seconds at powers of ten as
// durations ("1 µs", "10 ms"), with the 2× and 5× steps labeled too when
// the axis spans few decades.
type durationLogTicks struct{}

func (durationLogTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi > lo) || math.IsInf(hi, 0) {
		return nil
	}
	first, last := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	labelMid := last-first <= 2
	var ticks []plot.Tick
	for e := first; e <= last; e++ {
		for m := 1.0; m < 10; m++ {
			v := m * math.Pow(10, e)
			if v < lo || v > hi {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || (labelMid && (m == 2 || m == 5)) {
				t.Label = formatDuration(timeDuration(v * 1e9))
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

package plots

import (
	"cmp"
	"image/color"
	"slices"
	"strconv"
	"time"
	"unicode"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/conclab/conclab/demos"
)

// onePixel is one pixel of a 96-dpi screen; stretches narrower than this are
// merged by default because they could not be seen one by one anyway.
const onePixel = vg.Length(0.75)

// minSeparated is the narrowest task whose ends get white separators; on
// narrower ones the separators would hide the colors.
const minSeparated = 2 * onePixel

var (
	stripeColor = rgb(0xF0F0F0)
	failedColor = rgb(0xA50F15)
	markColor   = color.Black
	headerRule  = rgb(0x888888)
)

// Lanes is a plot.Plotter that draws one recording as a timeline: one lane
// per worker, first lane on top, and a bar per task colored by phase. Lanes
// are one Y unit tall, starting at Base; X is the time since the run's start
// in Unit. Stretches narrower than MergeBelow on the canvas are merged (see
// Timeline). Lanes is also a plot.Thumbnailer, so a reader can put a whole
// recording in a legend; AddToLegend adds one entry per phase instead.
type Lanes struct {
	// Unit is the time one unit of the X axis stands for.
	Unit time.Duration
	// Base is the Y value of the bottom edge of the lowest lane.
	Base float64
	// Header, when not empty, is written in an extra row above the lanes,
	// to tell stacked recordings apart.
	Header string
	// BarHeight is the fraction of a lane's height a bar fills.
	BarHeight float64
	// MergeBelow is the drawn width under which tasks and phases are merged.
	MergeBelow vg.Length
	// Colors gives each phase its color; charts sharing it agree.
	Colors *Palette
	// Stripes shades every other lane, which helps the eye along many lanes.
	Stripes bool
	// TextStyle is used for the Header.
	TextStyle text.Style

	rec        *demos.Recording
	names      []string
	byLane     [][]demos.Task
	states     bool    // some task has recorded states: bars show them, a band the phases
	headerRows float64 // height of the Header row in lanes; 0 means 1
	// headerShort are shorter forms of Header, tried in turn when it is
	// wider than the plot.
	headerShort []string
}

// headerHeight is how many lane heights the Header row takes.
func (l *Lanes) headerHeight() float64 {
	if l.headerRows <= 0 {
		return 1
	}
	return l.headerRows
}

// NewLanes returns Lanes for rec with millisecond units, bars 70% of a lane
// tall, merging below one pixel, and a fresh Palette. A nil rec draws
// nothing.
func NewLanes(rec *demos.Recording) *Lanes {
	l := &Lanes{
		Unit:       time.Millisecond,
		BarHeight:  0.7,
		MergeBelow: onePixel,
		Colors:     NewPalette(),
		Stripes:    true,
		TextStyle:  textStyle(9, true),
		rec:        rec,
	}
	if rec == nil {
		return l
	}
	l.states = hasStates(rec)
	index := map[string]int{}
	for _, t := range rec.Rows() {
		i, ok := index[t.Lane]
		if !ok {
			i = len(l.names)
			index[t.Lane] = i
			l.names = append(l.names, t.Lane)
			l.byLane = append(l.byLane, nil)
		}
		l.byLane[i] = append(l.byLane[i], t)
	}
	order := make([]int, len(l.names))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return naturalCompare(l.names[a], l.names[b]) })
	names, byLane := make([]string, len(order)), make([][]demos.Task, len(order))
	for i, k := range order {
		names[i], byLane[i] = l.names[k], l.byLane[k]
	}
	l.names, l.byLane = names, byLane
	return l
}

// Names lists the lanes from top to bottom, in natural order ("g2" before
// "g10").
func (l *Lanes) Names() []string { return slices.Clone(l.names) }

// Rows is how many Y units the lanes take, counting the Header row.
func (l *Lanes) Rows() float64 {
	n := float64(len(l.names))
	if l.Header != "" {
		n += l.headerHeight()
	}
	return n
}

// laneBottom is the Y value of the bottom edge of lane i.
func (l *Lanes) laneBottom(i int) float64 {
	return l.Base + float64(len(l.names)-1-i)
}

// Ticks returns one labeled tick per lane, at the lane's middle, for the
// Y axis (plot.ConstantTicks).
func (l *Lanes) Ticks() []plot.Tick {
	ticks := make([]plot.Tick, len(l.names))
	for i, n := range l.names {
		ticks[i] = plot.Tick{Value: l.laneBottom(i) + 0.5, Label: n}
	}
	return ticks
}

// end is the latest time the recording covers.
func (l *Lanes) end() time.Duration {
	if l.rec == nil {
		return 0
	}
	end := l.rec.Wall
	for _, t := range l.rec.Tasks {
		end = max(end, t.End)
	}
	return end
}

// DataRange implements plot.DataRanger: from the run's start to its end, and
// from Base up over all rows.
func (l *Lanes) DataRange() (xmin, xmax, ymin, ymax float64) {
	return 0, inUnit(l.end(), l.Unit), l.Base, l.Base + l.Rows()
}

// Phases lists the phase names the recording uses, Unphased included when
// some task time lies outside every phase, in legend order.
func (l *Lanes) Phases() []string {
	var names []string
	if l.rec == nil {
		return nil
	}
	for _, t := range l.rec.Tasks {
		for _, s := range segments(t) {
			names = append(names, s.Phase)
		}
	}
	return l.Colors.Order(names)
}

// resolution is the time one MergeBelow covers on the canvas c of plot p.
func (l *Lanes) resolution(c draw.Canvas, p *plot.Plot) time.Duration {
	width := float64(c.Max.X - c.Min.X)
	span := p.X.Max - p.X.Min
	if width <= 0 || span <= 0 || l.MergeBelow <= 0 {
		return 0
	}
	return time.Duration(float64(l.MergeBelow) / width * span * float64(l.Unit))
}

// layout lays out every lane at resolution res.
func (l *Lanes) layout(res time.Duration) []laneLayout {
	out := make([]laneLayout, len(l.byLane))
	for i, tasks := range l.byLane {
		out[i] = layoutLane(tasks, res)
	}
	return out
}

// Plot implements plot.Plotter.
func (l *Lanes) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	res := l.resolution(c, p)
	if l.Stripes {
		l.drawStripes(c, p)
	}
	x := func(d time.Duration) vg.Length { return trX(inUnit(d, l.Unit)) }
	phases := l.phaseColors()
	for i, lay := range l.layout(res) {
		bottom := l.laneBottom(i)
		lo, hi := bottom+0.5-l.BarHeight/2, bottom+0.5+l.BarHeight/2
		y0, y1 := trY(lo), trY(hi)
		barTop, bandLo, bandHi := y1, y0, y1 // marks go over the phases
		if l.states {
			// The bar shows the states, a thin band above it the phases.
			barTop = trY(lo + 0.72*(hi-lo))
			bandLo, bandHi = trY(lo+0.79*(hi-lo)), trY(min(hi+0.06, bottom+1))
			l.drawStates(c, l.byLane[i], res, x, y0, barTop)
			l.drawSpans(c, lay.spans, phases, x, bandLo, bandHi)
		} else {
			l.drawSpans(c, lay.spans, phases, x, y0, y1)
		}
		for _, o := range lay.outlines {
			x0, x1 := x(o.Start), x(o.End)
			switch {
			case o.Failed:
				strokeRect(c, draw.LineStyle{Color: failedColor, Width: vg.Points(1.2)}, x0, x1, y0, barTop)
			case x1-x0 >= minSeparated:
				// White hairlines at both ends tell back-to-back tasks apart.
				sep := draw.LineStyle{Color: color.White, Width: vg.Points(0.5)}
				for _, xe := range []vg.Length{x0, x1} {
					if c.ContainsX(xe) {
						c.StrokeLine2(sep, xe, y0, xe, bandHi)
					}
				}
			}
		}
		// Marks take the upper half of the phases, so the phase under them
		// stays visible.
		for _, m := range thinMarks(lay.marks, 3*res) {
			xm := x(m)
			if c.ContainsX(xm) {
				c.StrokeLine2(draw.LineStyle{Color: markColor, Width: vg.Points(0.8)}, xm, (bandLo+bandHi)/2, xm, bandHi)
			}
		}
	}
	if l.Header != "" {
		top := l.Base + l.Rows()
		c.StrokeLine2(draw.LineStyle{Color: headerRule, Width: vg.Points(0.5)}, c.Min.X, trY(top), c.Max.X, trY(top))
		sty := l.TextStyle
		sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
		c.FillText(sty, vg.Point{X: c.Min.X + vg.Points(3), Y: trY(top - l.headerHeight()/2)}, l.fittingHeader(sty, c.Max.X-c.Min.X-vg.Points(6)))
	}
}

// A colorer colors and orders the names a lane draws: phases or states.
type colorer struct {
	color func(name string) color.Color
	order func(names []string) []string
}

// phaseColors colors phases: in full on bars, tinted in the band above a
// state bar.
func (l *Lanes) phaseColors() colorer {
	c := colorer{color: l.Colors.Color, order: l.Colors.Order}
	if l.states {
		c.color = func(name string) color.Color { return tint(l.Colors.Color(name)) }
	}
	return c
}

// stateColors colors states as the scheduler charts do.
func (l *Lanes) stateColors() colorer {
	return colorer{
		color: func(name string) color.Color { return stateColor(l.Colors, name) },
		order: func(names []string) []string { return stateOrder(l.Colors, names) },
	}
}

// drawStates fills a lane's bar with its tasks' states: exact spans where
// the Go runtime recorded them, shares of each sampling interval where the
// OS was sampled.
func (l *Lanes) drawStates(c draw.Canvas, tasks []demos.Task, res time.Duration, x func(time.Duration) vg.Length, y0, y1 vg.Length) {
	var exact, sampled []demos.Task
	for _, t := range tasks {
		switch {
		case len(t.Goroutines) > 0:
			exact = append(exact, stateTask(t))
		case len(t.Threads) > 0:
			sampled = append(sampled, t)
		}
	}
	col := l.stateColors()
	l.drawSpans(c, layoutLane(exact, res).spans, col, x, y0, y1)
	l.drawSpans(c, sampledSpans(sampled, res), col, x, y0, y1)
}

// drawSpans fills spans between y0 and y1, merged ones as stacks.
func (l *Lanes) drawSpans(c draw.Canvas, spans []span, col colorer, x func(time.Duration) vg.Length, y0, y1 vg.Length) {
	for _, s := range spans {
		if s.Mix == nil {
			fillRect(c, col.color(s.Phase), x(s.Start), x(s.End), y0, y1)
			continue
		}
		// Overlap the next stretch by half a pixel: abutting
		// anti-aliased edges would leave light seams.
		fillMix(c, col, s, x(s.Start), x(s.End)+onePixel/2, y0, y1)
	}
}

// fittingHeader is the first of Header and its shorter forms that is no
// wider than room, or the shortest.
func (l *Lanes) fittingHeader(sty text.Style, room vg.Length) string {
	h := l.Header
	for _, short := range l.headerShort {
		if sty.Width(h) <= room {
			break
		}
		h = short
	}
	return h
}

// fillMix draws a merged span as a stack of its names, bottom up in legend
// order, each as tall as its share.
func fillMix(c draw.Canvas, col colorer, s span, x0, x1, y0, y1 vg.Length) {
	names := make([]string, len(s.Mix))
	eighths := make(map[string]int, len(s.Mix))
	for i, sh := range s.Mix {
		names[i] = sh.Phase
		eighths[normalize(sh.Phase)] += sh.Eighths
	}
	unit := (y1 - y0) / mixLevels
	y := y0
	for _, ph := range col.order(names) {
		h := unit * vg.Length(eighths[normalize(ph)])
		fillRect(c, col.color(ph), x0, x1, y, y+h)
		y += h
	}
}

// drawStripes shades every other lane across the whole canvas width.
func (l *Lanes) drawStripes(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	for i := 1; i < len(l.names); i += 2 {
		bottom := l.laneBottom(i)
		fillRect(c, stripeColor, c.Min.X, c.Max.X, trY(bottom), trY(bottom+1))
	}
}

// stripes draws the Lanes' stripes alone, so that a chart can put grid lines
// between the stripes and the bars.
type stripes struct{ l *Lanes }

func (s stripes) Plot(c draw.Canvas, p *plot.Plot) { s.l.drawStripes(c, p) }

// Thumbnail implements plot.Thumbnailer: a bar split among the first three
// phases the recording uses.
func (l *Lanes) Thumbnail(c *draw.Canvas) {
	phases := l.Phases()
	if len(phases) > 3 {
		phases = phases[:3]
	}
	if len(phases) == 0 {
		phases = []string{Unphased}
	}
	w := (c.Max.X - c.Min.X) / vg.Length(len(phases))
	y0, y1 := c.Min.Y+(c.Max.Y-c.Min.Y)*0.15, c.Max.Y-(c.Max.Y-c.Min.Y)*0.15
	for i, ph := range phases {
		x0 := c.Min.X + vg.Length(i)*w
		fillRect(*c, l.Colors.Color(ph), x0, x0+w, y0, y1)
	}
}

// AddToLegend adds an entry per phase the recording uses, then one for
// failed tasks and one for marks if it has any.
func (l *Lanes) AddToLegend(leg *plot.Legend) {
	addLegend(leg, l.Colors, []*Lanes{l})
}

// fillRect fills the rectangle x0..x1, y0..y1 clipped to c.
func fillRect(c draw.Canvas, clr color.Color, x0, x1, y0, y1 vg.Length) {
	x0, x1 = max(min(x0, x1), c.Min.X), min(max(x0, x1), c.Max.X)
	y0, y1 = max(min(y0, y1), c.Min.Y), min(max(y0, y1), c.Max.Y)
	if x1 <= x0 || y1 <= y0 {
		return
	}
	c.FillPolygon(clr, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
}

// strokeRect outlines the rectangle x0..x1, y0..y1, clipped to c.
func strokeRect(c draw.Canvas, sty draw.LineStyle, x0, x1, y0, y1 vg.Length) {
	pts := []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}, {X: x0, Y: y0}}
	lines := c.ClipLinesXY(pts)
	if len(lines) > 0 {
		c.StrokeLines(sty, lines...)
	}
}

// naturalCompare orders strings with embedded numbers by value, so "worker 2"
// comes before "worker 10".
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		na, ra := leadingNumber(a)
		nb, rb := leadingNumber(b)
		if na != "" && nb != "" {
			x, errA := strconv.ParseUint(na, 10, 64)
			y, errB := strconv.ParseUint(nb, 10, 64)
			if errA == nil && errB == nil && x != y {
				return cmp.Compare(x, y)
			}
			if errA != nil || errB != nil {
				if c := cmp.Compare(len(na), len(nb)); c != 0 {
					return c
				}
				if c := cmp.Compare(na, nb); c != 0 {
					return c
				}
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

// leadingNumber splits s into its leading ASCII digits and the rest.
func leadingNumber(s string) (num, rest string) {
	i := 0
	for i < len(s) && s[i] < unicode.MaxASCII && unicode.IsDigit(rune(s[i])) {
		i++
	}
	return s[:i], s[i:]
}

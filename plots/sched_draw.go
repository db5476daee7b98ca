package plots

import (
	"cmp"
	"fmt"
	"image/color"
	"maps"
	"math"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/conclab/conclab/demos"
)

// A schedRow is one row of a scheduler view: a lane (P or goroutine), the
// Folded lane or the Load band.
type schedRow struct {
	name    string
	bottom  float64 // Y of the row's bottom edge
	height  float64 // in lane heights
	lane    *StateLane
	tasks   []demos.Task // the lane's spans, for layoutLane
	proc    bool         // a P lane: separators between bars, labels on them
	group   *StateGroup
	stacked bool // the Load band: counts, not shares
	section bool // the first row of a section: a rule above it
}

// schedPlotter is the plot.Plotter that draws a SchedView.
type schedPlotter struct {
	v     *SchedView
	pal   *Palette
	unit  time.Duration
	rows  []schedRow // top to bottom
	total float64    // rows' height in lane heights
}

func newSchedPlotter(v *SchedView) *schedPlotter {
	sp := &schedPlotter{v: v, pal: NewPalette(), unit: time.Millisecond}
	var rows []schedRow
	if v.Load != nil {
		rows = append(rows, schedRow{name: v.Load.Name, height: loadRows, group: v.Load, stacked: true})
	}
	for i := range v.Procs {
		rows = append(rows, schedRow{name: v.Procs[i].Name, height: 1, lane: &v.Procs[i], proc: true, section: i == 0})
	}
	for i := range v.Goroutines {
		rows = append(rows, schedRow{name: v.Goroutines[i].Name, height: 1, lane: &v.Goroutines[i], section: i == 0})
	}
	if v.Folded != nil {
		rows = append(rows, schedRow{name: v.Folded.Name, height: 1, group: v.Folded, section: len(v.Goroutines) == 0})
	}
	for _, r := range rows {
		sp.total += r.height
	}
	top := sp.total
	for i := range rows {
		top -= rows[i].height
		rows[i].bottom = top
		if rows[i].lane != nil {
			rows[i].tasks = laneTasks(rows[i].lane)
		}
	}
	if len(rows) > 0 {
		rows[0].section = false // nothing above the first row to set it apart from
	}
	sp.rows = rows
	return sp
}

// laneTasks turns a lane's spans into tasks of one phase each, so that the
// timeline's layout merges the ones narrower than a pixel.
func laneTasks(l *StateLane) []demos.Task {
	tasks := make([]demos.Task, 0, len(l.Spans))
	for i, s := range l.Spans {
		start, end := clampTime(s.Start), clampTime(s.End)
		if end < start {
			continue
		}
		tasks = append(tasks, demos.Task{ID: i, Start: start, End: end,
			Phases: []demos.Phase{{Name: stateKey(s.State), Start: start, End: end}}})
	}
	return tasks
}

// stateKey is the name a state is drawn under: Unphased would be gray.
func stateKey(s string) string {
	if normalize(s) == Unphased || normalize(s) == "" {
		return "unknown"
	}
	return s
}

// states lists the states the view draws, in legend order: those that can
// be seen on some row (see legendPixels).
func (sp *schedPlotter) states() []string {
	shown := map[string]bool{}
	var names []string
	add := func(s string, visible bool) {
		if k := normalize(stateKey(s)); !shown[k] && visible {
			shown[k] = true
			names = append(names, stateKey(s))
		}
	}
	for _, r := range sp.rows {
		if r.lane != nil {
			byState := map[string][]demos.Span{}
			for _, s := range r.lane.Spans {
				byState[s.State] = append(byState[s.State], demos.Span{Start: s.Start, End: s.End})
			}
			for _, st := range slices.Sorted(maps.Keys(byState)) {
				add(st, fillsAPixel(byState[st], sp.v.Span))
			}
		}
		if r.group != nil {
			for _, s := range r.group.Series {
				// A count is drawn as a share of the group's height:
				// what it covers is its time integral.
				var area float64
				for i, st := range s.Steps {
					end := sp.v.Span
					if i+1 < len(s.Steps) {
						end = s.Steps[i+1].At
					}
					area += float64(st.N) * float64(end-st.At)
				}
				add(s.State, area/float64(max(1, stackedPeak(r.group)))*legendPixels >= float64(sp.v.Span))
			}
		}
	}
	return stateOrder(sp.pal, names)
}

// DataRange implements plot.DataRanger.
func (sp *schedPlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	return 0, inUnit(sp.v.Span, sp.unit), 0, sp.total
}

// resolution is the time one pixel covers on the data canvas c of p.
func (sp *schedPlotter) resolution(c draw.Canvas, p *plot.Plot) time.Duration {
	width := float64(c.Max.X - c.Min.X)
	span := p.X.Max - p.X.Min
	if width <= 0 || span <= 0 {
		return 0
	}
	return time.Duration(float64(onePixel) / width * span * float64(sp.unit))
}

// ticks labels each row at its middle, every k-th lane when lanes are too
// thin for every label; the Load band always keeps its label.
func (sp *schedPlotter) ticks(laneH float64) []plot.Tick {
	k := 1
	if laneH > 0 {
		k = max(1, int(math.Ceil(labelHeight/laneH)))
	}
	var ticks []plot.Tick
	n := 0
	for _, r := range sp.rows {
		t := plot.Tick{Value: r.bottom + r.height/2, Label: r.name}
		if r.group == nil || !r.stacked {
			if n%k != 0 {
				t.Label = ""
			}
			n++
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// Plot implements plot.Plotter.
func (sp *schedPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	res := sp.resolution(c, p)
	x := func(d time.Duration) vg.Length { return trX(inUnit(d, sp.unit)) }
	for _, r := range sp.rows {
		const bar = 0.7
		y0, y1 := trY(r.bottom+r.height/2-bar*r.height/2), trY(r.bottom+r.height/2+bar*r.height/2)
		switch {
		case r.lane != nil:
			sp.drawLane(c, r, res, x, y0, y1)
		case r.stacked:
			sp.drawLoad(c, r, res, x, trY(r.bottom+0.1), trY(r.bottom+r.height-0.1))
		case r.group != nil:
			sp.drawFolded(c, r, res, x, y0, y1)
		}
		if r.section {
			yt := trY(r.bottom + r.height)
			c.StrokeLine2(draw.LineStyle{Color: headerRule, Width: vg.Points(0.5)}, c.Min.X, yt, c.Max.X, yt)
		}
	}
}

// drawLane draws one lane's bars, merged below a pixel, with separators
// and labels on P lanes.
func (sp *schedPlotter) drawLane(c draw.Canvas, r schedRow, res time.Duration, x func(time.Duration) vg.Length, y0, y1 vg.Length) {
	lay := layoutLane(r.tasks, res)
	for _, s := range lay.spans {
		if s.Mix == nil {
			fillRect(c, stateColor(sp.pal, s.Phase), x(s.Start), x(s.End), y0, y1)
			continue
		}
		sp.fillShares(c, s.Mix, x(s.Start), x(s.End)+onePixel/2, y0, y1)
	}
	if !r.proc {
		return
	}
	sep := draw.LineStyle{Color: color.White, Width: vg.Points(0.5)}
	for _, o := range lay.outlines {
		x0, x1 := x(o.Start), x(o.End)
		if x1-x0 < minSeparated {
			continue
		}
		for _, xe := range []vg.Length{x0, x1} {
			if c.ContainsX(xe) {
				c.StrokeLine2(sep, xe, y0, xe, y1)
			}
		}
	}
	sty := textStyle(7, false)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	for _, s := range r.lane.Spans {
		if s.Label == "" {
			continue
		}
		x0, x1 := max(x(s.Start), c.Min.X), min(x(s.End), c.Max.X)
		if x1-x0 < sty.Width(s.Label)+vg.Points(3) || y1-y0 < sty.Height(s.Label) {
			continue
		}
		sty.Color = color.Black
		if luminance(stateColor(sp.pal, s.State)) < 0.45 {
			sty.Color = color.White
		}
		c.FillText(sty, vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}, s.Label)
	}
}

// fillShares draws a merged stretch as a stack of its states, bottom up in
// legend order, each as tall as its share.
func (sp *schedPlotter) fillShares(c draw.Canvas, mix []share, x0, x1, y0, y1 vg.Length) {
	eighths := map[string]int{}
	names := make([]string, 0, len(mix))
	for _, sh := range mix {
		eighths[normalize(sh.Phase)] += sh.Eighths
		names = append(names, sh.Phase)
	}
	unit := (y1 - y0) / mixLevels
	y := y0
	for _, st := range stateOrder(sp.pal, names) {
		h := unit * vg.Length(eighths[normalize(st)])
		fillRect(c, stateColor(sp.pal, st), x0, x1, y, y+h)
		y += h
	}
}

// drawLoad draws the Load band: the series' counts stacked, averaged over
// each pixel, scaled so that the highest stack fills the band, with that
// height written in its corner.
func (sp *schedPlotter) drawLoad(c draw.Canvas, r schedRow, res time.Duration, x func(time.Duration) vg.Length, y0, y1 vg.Length) {
	bins, width := sp.bins(r.group, res)
	peak := stackedPeak(r.group)
	if bins == nil || peak <= 0 {
		return
	}
	sp.fillStacks(c, r.group, bins, width, x, y0, y1, func(int) float64 { return float64(peak) })
	sty := textStyle(7, false)
	sty.Color = rgb(0x555555)
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YTop
	c.FillText(sty, vg.Point{X: c.Min.X + vg.Points(2), Y: y1}, fmt.Sprintf("top: %d at once", peak))
}

// stackedPeak is the largest sum of a group's series at any one moment.
func stackedPeak(g *StateGroup) int {
	type edge struct {
		at    time.Duration
		delta int
	}
	var edges []edge
	for _, s := range g.Series {
		last := 0
		for _, st := range s.Steps {
			edges = append(edges, edge{st.At, st.N - last})
			last = st.N
		}
	}
	slices.SortStableFunc(edges, func(a, b edge) int { return cmp.Compare(a.at, b.at) })
	peak, n := 0, 0
	for i, e := range edges {
		n += e.delta
		if i+1 < len(edges) && edges[i+1].at == e.at {
			continue // count a moment once all its changes are in
		}
		peak = max(peak, n)
	}
	return peak
}

// drawFolded draws the Folded lane: at each pixel, the share of the group
// in each state.
func (sp *schedPlotter) drawFolded(c draw.Canvas, r schedRow, res time.Duration, x func(time.Duration) vg.Length, y0, y1 vg.Length) {
	bins, width := sp.bins(r.group, res)
	if bins == nil {
		return
	}
	totals := make([]float64, len(bins[0]))
	for i := range bins {
		for b, v := range bins[i] {
			totals[b] += v
		}
	}
	sp.fillStacks(c, r.group, bins, width, x, y0, y1, func(b int) float64 { return totals[b] })
}

// fillStacks fills one polygon per series: in each bin, the series sits on
// the ones before it (in legend order), as a fraction of scale(bin).
func (sp *schedPlotter) fillStacks(c draw.Canvas, g *StateGroup, bins [][]float64, width time.Duration,
	x func(time.Duration) vg.Length, y0, y1 vg.Length, scale func(int) float64) {
	n := len(bins[0])
	under := make([]float64, n)
	order := make([]int, len(g.Series))
	names := make([]string, len(g.Series))
	for i, s := range g.Series {
		names[i] = s.State
	}
	sorted := stateOrder(sp.pal, names)
	k := 0
	for _, st := range sorted {
		for i, s := range g.Series {
			if normalize(s.State) == normalize(st) && k < len(order) {
				order[k] = i
				k++
			}
		}
	}
	h := y1 - y0
	for _, i := range order[:k] {
		var top, bottom []vg.Point
		for b := range n {
			s := scale(b)
			lo, hi := 0.0, 0.0
			if s > 0 {
				lo, hi = under[b]/s, (under[b]+bins[i][b])/s
			}
			under[b] += bins[i][b]
			xa, xb := x(time.Duration(b)*width), x(time.Duration(b+1)*width)
			top = append(top, vg.Point{X: xa, Y: y0 + h*vg.Length(hi)}, vg.Point{X: xb, Y: y0 + h*vg.Length(hi)})
			bottom = append(bottom, vg.Point{X: xa, Y: y0 + h*vg.Length(lo)}, vg.Point{X: xb, Y: y0 + h*vg.Length(lo)})
		}
		pts := top
		for j := len(bottom) - 1; j >= 0; j-- {
			pts = append(pts, bottom[j])
		}
		c.FillPolygon(stateColor(sp.pal, g.Series[i].State), c.ClipPolygonXY(pts))
	}
}

// maxBins bounds the bins of a group, whatever the resolution says.
const maxBins = 4000

// bins averages each series of g over bins of the resolution's width (at
// least Span/maxBins) from 0 to Span: bins[series][bin].
func (sp *schedPlotter) bins(g *StateGroup, res time.Duration) ([][]float64, time.Duration) {
	span := sp.v.Span
	if span <= 0 || len(g.Series) == 0 {
		return nil, 0
	}
	width := max(res, span/maxBins, 1)
	n := int((span + width - 1) / width)
	out := make([][]float64, len(g.Series))
	for i, s := range g.Series {
		out[i] = make([]float64, n)
		for j, st := range s.Steps {
			end := span
			if j+1 < len(s.Steps) {
				end = s.Steps[j+1].At
			}
			addToBins(out[i], width, max(st.At, 0), min(end, span), float64(st.N))
		}
	}
	return out, width
}

// addToBins adds value v held over [from, to) to bins of the given width,
// as a time-weighted average.
func addToBins(bins []float64, width, from, to time.Duration, v float64) {
	if to <= from || v == 0 {
		return
	}
	for b := int(from / width); b < len(bins); b++ {
		lo, hi := time.Duration(b)*width, time.Duration(b+1)*width
		if lo >= to {
			break
		}
		overlap := min(hi, to) - max(lo, from)
		bins[b] += v * float64(overlap) / float64(width)
	}
}

// schedStripes shades every other lane, under the grid and the bars.
type schedStripes struct{ sp *schedPlotter }

func (s schedStripes) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	n := 0
	for _, r := range s.sp.rows {
		if r.lane == nil && !(r.group != nil && !r.stacked) {
			continue
		}
		if n%2 == 1 {
			fillRect(c, stripeColor, c.Min.X, c.Max.X, trY(r.bottom), trY(r.bottom+r.height))
		}
		n++
	}
}

package plots

import (
	"fmt"
	"math"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/conclab/conclab/demos"
)

const (
	// laneRoom is the height, in points, the lanes of a timeline share before
	// each lane hits its minimum or maximum height.
	laneRoom     = 320
	minLane      = 7  // points: 64 lanes stay apart
	maxLane      = 22 // points: one or two lanes do not become slabs
	chromeHeight = 78 // points: margins, title and time axis
	labelHeight  = 9 * 1.25
	headerNeed   = 9 * 1.6 // points: a bold 9pt header with air around it
)

// Timeline draws rec with one lane per worker (first lane on top) and a bar
// per task. Where the recording holds the tasks' states, the bar shows what
// the scheduler did (running, runnable, blocked by reason) and a thin band
// above it the phases the work reported; otherwise the bar shows the
// phases. Marks are black ticks, failed tasks are framed in dark red. A
// process whose work spread over several threads gets a row per thread.
// The title gives the run's figures (demos.Figures.Headline), the legend
// names the states and phases. Stretches narrower than one pixel are
// merged on their lane into stacks of their shares, and the summary
// (String) says how many were.
func Timeline(rec *demos.Recording) *Chart {
	l := NewLanes(rec)
	title := recordingName(rec, "timeline")
	if rec != nil && rec.Kind != "" && rec.Title != "" && rec.Title != rec.Kind {
		title += " (" + rec.Kind + ")"
	}
	c := timelineChart([]*Lanes{l}, l.Colors)
	c.title = title + "\n" + headline(rec) + " · " + countLine(rec, len(l.names))
	c.summary = "Timeline: " + title + "\n" + strings.Join(describeRecording(rec, l), "\n")
	return c
}

// Compare stacks recordings on one shared time axis, each under a header
// with its name and headline, so that runs can be compared side by side:
// GOMAXPROCS=1 against all cores, goroutines against processes, a lock
// against none. The phases share one palette. The summary sets each run's
// wall time beside the first's; for runs of the same work, demos.Compare
// gives the speedup.
func Compare(recs ...*demos.Recording) *Chart {
	pal := NewPalette()
	var lanes []*Lanes
	var names []string
	for i, rec := range recs {
		l := NewLanes(rec)
		l.Colors = pal
		name := recordingName(rec, fmt.Sprintf("run %d", i+1))
		names = append(names, name)
		l.Header = name + ": " + headline(rec)
		if rec != nil {
			f := rec.Figures()
			l.headerShort = []string{name + ": " + f.ShortHeadline(), name + ": " + f.Brief(), name + ": wall " + demos.FormatDuration(rec.Wall)}
		}
		lanes = append(lanes, l)
	}
	// On charts with many lanes, a lane is shorter than the header text:
	// give each header the lanes it needs.
	rows := 0.0
	for _, l := range lanes {
		rows += l.Rows()
	}
	if laneH := laneHeight(rows); laneH < headerNeed {
		for _, l := range lanes {
			l.headerRows = math.Ceil(headerNeed / laneH)
		}
	}
	// Stack from the bottom so the first recording ends up on top.
	base := 0.0
	for i := len(lanes) - 1; i >= 0; i-- {
		lanes[i].Base = base
		base += lanes[i].Rows()
	}
	c := timelineChart(lanes, pal)
	c.title = "Compare: " + strings.Join(names, " vs ")
	if len(names) == 0 {
		c.title = "Compare: no recordings"
	}
	var sum []string
	sum = append(sum, c.title)
	for i, rec := range recs {
		sum = append(sum, fmt.Sprintf("[%d] %s", i+1, names[i]))
		for _, line := range describeRecording(rec, lanes[i]) {
			sum = append(sum, "    "+line)
		}
	}
	if cmp := compareWalls(recs, names); cmp != "" {
		sum = append(sum, cmp)
	}
	c.summary = strings.Join(sum, "\n")
	return c
}

// compareWalls sets each run's wall time beside the first's. It does not
// call the ratio a speedup: the chart cannot know whether the runs did the
// same work (demos.Compare says it for runs that did).
func compareWalls(recs []*demos.Recording, names []string) string {
	if len(recs) < 2 || recs[0] == nil || recs[0].Wall <= 0 {
		return ""
	}
	var parts []string
	for i, rec := range recs[1:] {
		if rec != nil && rec.Wall > 0 {
			parts = append(parts, fmt.Sprintf("%q took %s the wall time of %q (%s against %s)", names[i+1],
				formatTimes(float64(rec.Wall)/float64(recs[0].Wall)), names[0], demos.FormatDuration(rec.Wall), demos.FormatDuration(recs[0].Wall)))
		}
	}
	return strings.Join(parts, "\n")
}

// timelineChart builds the plot shared by Timeline and Compare: lanes on a
// common time axis in a unit that suits the longest run, grid lines between
// the lane stripes and the bars, lane labels thinned to fit.
func timelineChart(lanes []*Lanes, pal *Palette) *Chart {
	var end time.Duration
	rows := 0.0
	for _, l := range lanes {
		end = max(end, l.end())
		rows += l.Rows()
	}
	unit := axisUnit(end)
	p := newPlot("time since start ("+unitName(unit)+")", "")
	p.X.Min, p.X.Max = 0, inUnit(end, unit)
	if end <= 0 {
		p.X.Max = 1
	}
	p.Y.Min, p.Y.Max = 0, math.Max(rows, 1)
	p.X.Padding, p.Y.Padding = vg.Points(2), vg.Points(2)
	p.X.Tick.Marker = stepTicks{}
	grid := lightGrid()
	grid.Horizontal.Color = nil
	for _, l := range lanes {
		l.Unit, l.Stripes = unit, false
		p.Add(stripes{l})
	}
	p.Add(grid)
	for _, l := range lanes {
		p.Add(l)
	}

	leg := newLegend()
	addLegend(leg, pal, lanes)
	laneH := laneHeight(rows)
	dataH := math.Max(rows*laneH, float64(leg.Rectangle(draw.Canvas{}).Size().Y))
	c := &Chart{
		plot:   p,
		legend: leg,
		width:  DefaultWidth,
		height: vg.Length(math.Max(dataH, 60) + chromeHeight),
	}
	c.prepare = func(data draw.Canvas) {
		p.Y.Tick.Marker = plot.ConstantTicks(laneTicks(lanes, float64(data.Max.Y-data.Min.Y)/math.Max(rows, 1)))
	}
	c.describe = func(data draw.Canvas) string {
		return mergeLine(lanes, lanes[0].resolution(data, p))
	}
	if len(lanes) == 0 {
		c.describe = nil
	}
	if rows == 0 {
		// Nothing ran: axes would only show a made-up range.
		p.HideAxes()
	}
	return c
}

// laneHeight is the height in points a lane gets when the lanes take rows.
func laneHeight(rows float64) float64 {
	return math.Min(maxLane, math.Max(minLane, laneRoom/math.Max(rows, 1)))
}

// laneTicks labels every lane when the labels fit, else every k-th lane
// of each recording, leaving unlabeled ticks on the rest.
func laneTicks(lanes []*Lanes, laneH float64) []plot.Tick {
	k := 1
	if laneH > 0 {
		k = max(1, int(math.Ceil(labelHeight/laneH)))
	}
	var ticks []plot.Tick
	for _, l := range lanes {
		for i, t := range l.Ticks() {
			if i%k != 0 {
				t.Label = ""
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// SetTitle replaces the chart's title; a second line after "\n" is drawn
// smaller, as a subtitle. It returns the chart.
func (c *Chart) SetTitle(title string) *Chart {
	c.title = title
	return c
}

package plots

import (
	"github.com/conclab/conclab/demos"
	"image/color"
	"strings"
	"time"

	stdfnt "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A Swatch is a legend thumbnail: a box filled with Fill (if not nil) and
// framed with Line (if its width is positive).
type Swatch struct {
	Fill color.Color
	Line draw.LineStyle
}

// Thumbnail implements plot.Thumbnailer.
func (s Swatch) Thumbnail(c *draw.Canvas) {
	h := c.Max.Y - c.Min.Y
	x0, x1 := c.Min.X, c.Max.X
	y0, y1 := c.Min.Y+h*0.1, c.Max.Y-h*0.1
	if s.Fill != nil {
		fillRect(*c, s.Fill, x0, x1, y0, y1)
	}
	if s.Line.Width > 0 {
		strokeRect(*c, s.Line, x0+s.Line.Width/2, x1-s.Line.Width/2, y0+s.Line.Width/2, y1-s.Line.Width/2)
	}
}

// markThumb is the legend thumbnail for marks: the same short vertical line.
type markThumb struct{}

func (markThumb) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	h := c.Max.Y - c.Min.Y
	c.StrokeLine2(draw.LineStyle{Color: markColor, Width: vg.Points(0.8)}, x, c.Min.Y+h*0.45, x, c.Max.Y-h*0.1)
}

// legendLabel is how a phase is named in a legend.
func legendLabel(phase string) string {
	if phase == Unphased {
		return "task (no phase)"
	}
	return phase
}

// addLegend adds entries for everything the lanes draw: their phases in
// palette order, failed tasks, and marks.
func addLegend(leg *plot.Legend, pal *Palette, lanes []*Lanes) {
	var phases, markNames []string
	failed := false
	seenMark := map[string]bool{}
	for _, l := range lanes {
		phases = append(phases, l.Phases()...)
		if l.rec == nil {
			continue
		}
		for _, t := range l.rec.Tasks {
			failed = failed || t.Err != ""
			for _, m := range t.Marks {
				if !seenMark[m.Name] {
					seenMark[m.Name] = true
					markNames = append(markNames, m.Name)
				}
			}
		}
	}
	states := stateNames(pal, lanes)
	traced, sampled := stateSources(lanes)
	for _, st := range states {
		leg.Add(timelineStateLabel(st, traced, sampled), Swatch{Fill: stateColor(pal, st)})
	}
	showGaps := unphasedVisible(lanes)
	for _, ph := range pal.Order(phases) {
		if ph == Unphased && !showGaps {
			continue
		}
		if len(states) > 0 {
			// Phases are the band above the bars, in tints.
			label := "phase: " + legendLabel(ph)
			if ph == Unphased {
				label = "no phase reported"
			}
			leg.Add(label, Swatch{Fill: tint(pal.Color(ph))})
			continue
		}
		leg.Add(legendLabel(ph), Swatch{Fill: pal.Color(ph)})
	}
	if failed {
		leg.Add("failed task", Swatch{Line: draw.LineStyle{Color: failedColor, Width: vg.Points(1.2)}})
	}
	if len(seenMark) > 0 {
		leg.Add(marksLabel(markNames), markThumb{})
	}
}

// timelineStateLabel is how a timeline's legend names a state: as the
// scheduler charts do, but in words that fit goroutines and OS threads
// alike. Running is what the source can tell: a goroutine of the Go trace
// runs while it holds a P (the OS may still have taken its thread off the
// CPU), a sampled thread while it is on a CPU.
func timelineStateLabel(st string, traced, sampled bool) string {
	switch demos.State(st) {
	case demos.StateRunning:
		switch {
		case traced && sampled:
			return "running (holding a P; a thread: on a CPU)"
		case traced:
			return "running (holding a P)"
		}
		return "running (on a CPU)"
	case demos.StateRunnable:
		return "runnable (waiting to run)"
	case demos.StateBlocked:
		return "blocked (sleep, I/O, lock)"
	case Unphased:
		return "state unknown"
	}
	return stateLabel(st)
}

// stateSources reports whether the lanes draw goroutines of the Go trace,
// and threads sampled from the OS.
func stateSources(lanes []*Lanes) (traced, sampled bool) {
	for _, l := range lanes {
		if !l.states {
			continue
		}
		for _, tasks := range l.byLane {
			for _, t := range tasks {
				traced = traced || len(t.Goroutines) > 0
				sampled = sampled || len(t.Threads) > 0
			}
		}
	}
	return traced, sampled
}

// marksLabel names the marks in the legend when there are few kinds.
func marksLabel(names []string) string {
	var named []string
	for _, n := range names {
		if strings.TrimSpace(n) != "" {
			named = append(named, n)
		}
	}
	if len(named) == 0 || len(named) > 3 {
		return "mark"
	}
	return "mark: " + strings.Join(named, ", ")
}

// textStyle is the chart's text: Liberation Sans, which reads better than
// gonum/plot's default serif at small sizes.
func textStyle(size vg.Length, bold bool) text.Style {
	f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
	if bold {
		f.Weight = stdfnt.WeightBold
	}
	return text.Style{
		Color:   color.Black,
		Font:    f,
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
		Handler: plot.DefaultTextHandler,
	}
}

// newLegend makes a legend for the column beside the plot: small sans text,
// thumbnails on the left, entries from the top.
func newLegend() *plot.Legend {
	leg := plot.NewLegend()
	leg.TextStyle = textStyle(9, false)
	leg.ThumbnailWidth = vg.Points(14)
	leg.Top, leg.Left = true, true
	leg.Padding = vg.Points(2)
	return &leg
}

// unphasedVisible reports whether the time no phase covers deserves a
// legend entry: some task has no phase at all, or the gaps between phases
// (the moments before a task's first Phase call, say) add up to 1% of the
// tasks' time or more. Thinner gaps are no wider than a hairline.
func unphasedVisible(lanes []*Lanes) bool {
	var gaps, total time.Duration
	for _, l := range lanes {
		if l.rec == nil {
			continue
		}
		for _, t := range l.rec.Tasks {
			if len(t.Phases) == 0 {
				return true
			}
			for _, s := range segments(t) {
				total += s.End - s.Start
				if s.Phase == Unphased {
					gaps += s.End - s.Start
				}
			}
		}
	}
	return total > 0 && gaps*100 >= total
}

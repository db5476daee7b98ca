package plots

import (
	"bytes"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

const (
	// DefaultWidth fits a JupyterLab or GitHub notebook column: 800 pixels
	// on a 96-dpi screen.
	DefaultWidth = 600 * vg.Length(1)
	// PNGDPI is the resolution of PNG output: twice a 96-dpi screen, so the
	// image stays sharp on high-density displays when shown at its 96-dpi
	// size.
	PNGDPI = 192

	margin    = vg.Length(6)
	legendGap = vg.Length(10)
)

// A Chart is a finished figure: a gonum plot with a title, a legend beside
// it, a size, and a text summary of what it shows. It renders to PNG or SVG,
// saves to a file, shows itself in a notebook, and prints as its summary.
// A Chart is not safe for concurrent use.
type Chart struct {
	plot          *plot.Plot
	title         string // first line bold, further lines as a subtitle
	legend        *plot.Legend
	width, height vg.Length
	summary       string
	prepare       func(data draw.Canvas)        // adapts the plot to its data area
	describe      func(data draw.Canvas) string // extra summary lines that depend on the size
	err           error                         // a problem found while building; rendering returns it
}

// Plot returns the underlying gonum plot, to restyle it or add plotters.
// The title and legend are the Chart's own and drawn outside it.
func (c *Chart) Plot() *plot.Plot { return c.plot }

// Legend returns the legend drawn beside the plot; add entries to it or
// remove them all with *c.Legend() = plot.Legend{}.
func (c *Chart) Legend() *plot.Legend { return c.legend }

// Size is the chart's width and height.
func (c *Chart) Size() (w, h vg.Length) { return c.width, c.height }

// SetSize changes the chart's size and returns the chart.
func (c *Chart) SetSize(w, h vg.Length) *Chart {
	c.width, c.height = w, h
	return c
}

// String returns the chart's text summary.
func (c *Chart) String() string {
	s := c.summary
	if c.describe != nil && c.err == nil {
		_, _, data := c.layout(draw.New(measureCanvas{w: c.width, h: c.height}))
		if extra := c.describe(data); extra != "" {
			s = strings.TrimRight(s, "\n") + "\n" + extra
		}
	}
	if c.err != nil {
		s = strings.TrimRight(s, "\n") + "\nerror: " + c.err.Error()
	}
	return strings.TrimRight(s, "\n") + "\n"
}

// PNG renders the chart as a PNG at PNGDPI.
func (c *Chart) PNG() ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	img := vgimg.NewWith(vgimg.UseWH(c.width, c.height), vgimg.UseDPI(PNGDPI))
	c.draw(draw.New(img))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// SVG renders the chart as an SVG document.
func (c *Chart) SVG() ([]byte, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	img := vgsvg.New(c.width, c.height)
	c.draw(draw.New(img))
	var buf bytes.Buffer
	if _, err := img.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("encode svg: %w", err)
	}
	return buf.Bytes(), nil
}

// Save writes the chart to path as PNG or SVG, chosen by the extension
// (".png" or ".svg", any case).
func (c *Chart) Save(path string) error {
	var (
		data []byte
		err  error
	)
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png":
		data, err = c.PNG()
	case ".svg":
		data, err = c.SVG()
	default:
		return fmt.Errorf("save chart %s: unknown format %q (want .png or .svg)", path, ext)
	}
	if err != nil {
		return fmt.Errorf("save chart %s: %w", path, err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("save chart: %w", err)
	}
	return nil
}

// check refuses to render a chart that could not be built or has no room.
func (c *Chart) check() error {
	if c.err != nil {
		return c.err
	}
	if c.width <= 2*margin || c.height <= 2*margin {
		return fmt.Errorf("render chart: size %v×%v is too small", c.width, c.height)
	}
	return nil
}

// titleStyles are the styles of the title's first line and of the rest.
func titleStyles() (head, sub draw.TextStyle) {
	head, sub = textStyle(11, true), textStyle(9, false)
	head.XAlign, head.YAlign = draw.XCenter, draw.YTop
	sub.XAlign, sub.YAlign = draw.XCenter, draw.YTop
	sub.Color = color.Gray{Y: 0x33}
	return head, sub
}

// titleLines splits the title into its head and subtitle.
func (c *Chart) titleLines() (head, sub string) {
	head, sub, _ = strings.Cut(c.title, "\n")
	return head, sub
}

// layout splits the canvas into the plot's area and the legend's column and
// returns the data area the plot will draw into.
func (c *Chart) layout(dc draw.Canvas) (plotArea, legendArea, data draw.Canvas) {
	area := draw.Crop(dc, margin, -margin, margin, -margin)
	head, sub := c.titleLines()
	hs, ss := titleStyles()
	if head != "" {
		area.Max.Y -= hs.Rectangle(head).Size().Y + vg.Points(2)
	}
	if sub != "" {
		area.Max.Y -= ss.Rectangle(sub).Size().Y
	}
	if head != "" || sub != "" {
		area.Max.Y -= vg.Points(6)
	}
	plotArea = area
	if c.legend != nil && c.hasLegend() {
		w := c.legend.Rectangle(area).Size().X + legendGap + vg.Points(4)
		plotArea.Max.X -= w
		legendArea = area
		legendArea.Min.X = plotArea.Max.X + legendGap
	}
	if c.prepare != nil {
		c.prepare(c.plot.DataCanvas(plotArea))
	}
	data = c.plot.DataCanvas(plotArea)
	legendArea.Max.Y = data.Max.Y
	return plotArea, legendArea, data
}

// hasLegend reports whether the legend has any entries.
func (c *Chart) hasLegend() bool {
	// plot.Legend hides its entries; a legend without entries has no height.
	return c.legend.Rectangle(draw.Canvas{}).Size().Y > 0
}

// draw paints the whole chart onto dc.
func (c *Chart) draw(dc draw.Canvas) {
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	plotArea, legendArea, _ := c.layout(dc)

	head, sub := c.titleLines()
	hs, ss := titleStyles()
	top := dc.Max.Y - margin
	center := (dc.Min.X + dc.Max.X) / 2
	if head != "" {
		dc.FillText(hs, vg.Point{X: center, Y: top}, head)
		top -= hs.Rectangle(head).Size().Y + vg.Points(2)
	}
	if sub != "" {
		dc.FillText(ss, vg.Point{X: center, Y: top}, sub)
	}

	c.plot.Draw(plotArea)
	if c.legend != nil && c.hasLegend() {
		c.legend.Draw(legendArea)
	}
}

// newPlot makes a plot with the chart's fonts and no title of its own.
func newPlot(xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		lab := textStyle(10, false)
		lab.XAlign, lab.YAlign = a.Label.TextStyle.XAlign, a.Label.TextStyle.YAlign
		a.Label.TextStyle = lab
		tick := textStyle(9, false)
		tick.XAlign, tick.YAlign = a.Tick.Label.XAlign, a.Tick.Label.YAlign
		a.Tick.Label = tick
	}
	return p
}

// lightGrid is a grid faint enough to stay behind the data.
func lightGrid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color = rgb(0xDDDDDD)
	g.Horizontal.Color = rgb(0xDDDDDD)
	return g
}

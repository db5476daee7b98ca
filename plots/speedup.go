package plots

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/conclab/conclab/demos"
)

var (
	measuredColor = rgb(0x0072B2)
	fitColor      = rgb(0xE69F00)
	idealColor    = rgb(0x777777)
	coresColor    = rgb(0xCC79A7)
	repeatColor   = color.NRGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0x99}
)

// Speedup draws how much faster the sweep's work got with more workers:
// the measured speedup (median wall time per worker count, each run as a
// faint dot), the ideal n×, the machine's core count, and Amdahl's law
// fitted to the wall times where the runs can support a fit: work that
// computes (Run.CPU at least half of what the workers could use), with at
// least three worker counts within the cores. The fit's parallel fraction
// comes with its range when any one worker count is left out. A sweep of
// work that waits (downloads) gets no fit and no core line: cores do not
// limit it. Speedup is measured against the 1-worker run, or, without one,
// against the fit's 1-worker time. Worker counts spanning 16× or more are
// drawn on a logarithmic axis.
func Speedup(s Sweep) *Chart {
	pts := s.points()
	fit, fitErr := s.fit()
	cpuBound, known := s.workload()
	ioBound := known && !cpuBound
	var t1 float64
	base := ""
	switch {
	case len(pts) > 0 && pts[0].workers == 1:
		t1 = float64(pts[0].median)
		base = "1-worker run"
	case fitErr == nil:
		t1 = float64(fit.Wall(1))
		base = "1-worker time estimated by the fit (no 1-worker run)"
	}

	title := s.Title
	if title == "" {
		title = "speedup"
	}
	p := newPlot("workers", "speedup (×)")
	leg := newLegend()
	c := &Chart{plot: p, legend: leg, width: DefaultWidth, height: 380}
	sum := []string{"Speedup: " + title}
	if t1 <= 0 {
		p.HideAxes()
		c.height = 100
		c.title = title + "\nno speedup to show: need a 1-worker run"
		why := "no speedup to show: the sweep needs a 1-worker run to compare with"
		if fitErr != nil {
			why += ", or a fit of Amdahl's law to estimate one, and " + fitErr.Error()
		}
		c.summary = strings.Join(append(sum, why), "\n")
		return c
	}

	minW, maxW := float64(pts[0].workers), float64(pts[len(pts)-1].workers)
	logX := maxW/minW >= 16
	if logX {
		p.X.Scale = plot.LogScale{}
	}
	p.X.Tick.Marker = workerTicks(pts, logX)
	speedAt := func(d float64) float64 { return t1 / d }

	best, bestAt := 0.0, 0
	var medians, repeats plotter.XYs
	for _, pt := range pts {
		sp := speedAt(float64(pt.median))
		medians = append(medians, plotter.XY{X: float64(pt.workers), Y: sp})
		if sp > best {
			best, bestAt = sp, pt.workers
		}
		if len(pt.walls) > 1 {
			for _, w := range pt.walls {
				repeats = append(repeats, plotter.XY{X: float64(pt.workers), Y: speedAt(float64(w))})
			}
		}
	}
	top := best
	for _, r := range repeats {
		top = math.Max(top, r.Y)
	}
	yMax := math.Min(maxW, math.Max(top*1.5, math.Max(float64(s.NumCPU)*1.25, 2)))
	yMax = math.Max(yMax, top*1.1)
	yMin := 0.0
	if logX {
		// Log on both axes: the ideal is the diagonal, and equal distances
		// are equal ratios.
		low := 1.0
		for _, m := range append(slices.Clone(medians), repeats...) {
			low = math.Min(low, m.Y)
		}
		yMin, yMax = low/1.25, math.Max(yMax, maxW)
		p.Y.Scale = plot.LogScale{}
	}

	// Grid and cores first, so everything else draws over them.
	p.Add(lightGrid())
	if !ioBound && s.NumCPU > 0 && float64(s.NumCPU) >= minW && float64(s.NumCPU) <= maxW {
		cores, _ := plotter.NewLine(plotter.XYs{{X: float64(s.NumCPU), Y: yMin}, {X: float64(s.NumCPU), Y: yMax}})
		cores.LineStyle = draw.LineStyle{Color: coresColor, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(1), vg.Points(2)}}
		p.Add(cores)
		leg.Add(fmt.Sprintf("cores: %d", s.NumCPU), cores)
	}
	ideal := plotter.NewFunction(func(x float64) float64 { return x / minW * speedAt(float64(pts[0].median)) })
	if pts[0].workers == 1 {
		ideal = plotter.NewFunction(func(x float64) float64 { return x })
	}
	ideal.XMin, ideal.XMax, ideal.Samples = minW, maxW, 200
	ideal.LineStyle = draw.LineStyle{Color: idealColor, Width: vg.Points(1), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	p.Add(ideal)
	leg.Add("ideal: n×", ideal)
	if fitErr == nil {
		f := plotter.NewFunction(fit.speedup)
		f.XMin, f.XMax, f.Samples = minW, maxW, 200
		f.LineStyle = draw.LineStyle{Color: fitColor, Width: vg.Points(1.5)}
		p.Add(f)
		leg.Add("Amdahl fit: "+fit.fraction()+" parallel", f)
	}
	if len(repeats) > 0 {
		sc, _ := plotter.NewScatter(repeats)
		sc.GlyphStyle = draw.GlyphStyle{Color: repeatColor, Radius: vg.Points(1.8), Shape: draw.RingGlyph{}}
		p.Add(sc)
		leg.Add("each run", sc)
	}
	line, dots, _ := plotter.NewLinePoints(medians)
	line.LineStyle = draw.LineStyle{Color: measuredColor, Width: vg.Points(1.5)}
	dots.GlyphStyle = draw.GlyphStyle{Color: measuredColor, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
	p.Add(line, dots)
	leg.Add("measured", line, dots)

	p.Y.Tick.Marker = stepTicks{}
	p.X.Min, p.X.Max = minW, maxW
	p.Y.Min, p.Y.Max = yMin, yMax
	if logX {
		p.Y.Tick.Marker = powerTicks{}
	}

	head := fmt.Sprintf("best %s at %s", formatTimes(best), plural(bestAt, "worker"))
	if fitErr == nil {
		head += " · Amdahl: " + fit.fraction() + " parallel"
	}
	c.title = title + "\n" + head
	sum = append(sum, head, "speedup against the "+base+": "+formatDuration(timeDuration(t1)))
	sum = append(sum, sweepTable(pts, speedAt))
	if fitErr == nil {
		line := fmt.Sprintf("Amdahl fit: wall(n) = %s + %s/n, so %s of the work runs in parallel",
			formatDuration(fit.Serial), formatDuration(fit.Parallel), formatPercent(fit.Fraction()))
		if r := fit.fraction(); r != formatPercent(fit.Fraction()) {
			line += fmt.Sprintf(" (%s to %s when any one worker count is left out)", formatPercent(fit.lo), formatPercent(fit.hi))
		}
		if l := fit.limit(); l != "" {
			line += "; if the serial part stayed as fitted, no number of cores would take this work past " + l
		} else {
			line += "; these runs show no serial part, so they set no limit"
		}
		sum = append(sum, line)
		if fit.capped {
			sum = append(sum, fmt.Sprintf("the fit uses the runs with at most %s; past that the curve stays flat, since no more than %d workers run at once",
				plural(s.NumCPU, "worker"), s.NumCPU))
		}
	} else {
		sum = append(sum, "no Amdahl fit: "+fitErr.Error())
	}
	switch {
	case ioBound:
		sum = append(sum, "the workers mostly wait: more workers than cores can still help, since a waiting worker needs no core")
	case s.NumCPU > 0 && maxW > float64(s.NumCPU):
		sum = append(sum, fmt.Sprintf("the machine has %s: beyond that, workers take turns on the same cores", plural(s.NumCPU, "CPU")))
	}
	c.summary = strings.Join(sum, "\n")
	return c
}

// SpeedupOf draws the speedup of a sweep run by demos.RunSweep; it is
// Speedup(SweepOf(s.Title, s.Runs...)). A nil sweep draws an empty chart.
func SpeedupOf(s *demos.Sweep) *Chart {
	if s == nil {
		return Speedup(Sweep{})
	}
	return Speedup(SweepOf(s.Title, s.Runs...))
}

// sweepTable lists each worker count's wall time, speedup and efficiency.
func sweepTable(pts []point, speedAt func(float64) float64) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "workers\truns\tmedian wall\tspeedup\tefficiency")
	for _, pt := range pts {
		sp := speedAt(float64(pt.median))
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\n", pt.workers, len(pt.walls), formatDuration(pt.median), formatTimes(sp), formatPercent(sp/float64(pt.workers)))
	}
	tw.Flush()
	return strings.TrimRight(b.String(), "\n")
}

// workerTicks labels the measured worker counts when there are few of them,
// and otherwise falls back to round steps (or powers of ten on a log axis).
func workerTicks(pts []point, logX bool) plot.Ticker {
	if len(pts) <= 12 {
		ticks := make(plot.ConstantTicks, len(pts))
		for i, pt := range pts {
			ticks[i] = plot.Tick{Value: float64(pt.workers), Label: strconv.Itoa(pt.workers)}
		}
		return ticks
	}
	if logX {
		return powerTicks{}
	}
	return stepTicks{}
}

// powerTicks labels the powers of two on a log axis, the natural steps for
// worker counts and speedups.
type powerTicks struct{}

func (powerTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(lo > 0) || !(hi >= lo) || math.IsInf(hi, 0) {
		return nil
	}
	var ticks []plot.Tick
	for v := math.Pow(2, math.Ceil(math.Log2(lo))); v <= hi*(1+1e-9); v *= 2 {
		ticks = append(ticks, plot.Tick{Value: v, Label: formatSig(v, 3)})
	}
	return ticks
}

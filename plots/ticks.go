package plots

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// stepTicks is a plot.Ticker that labels round values often enough to read
// times off the axis: between about four and eleven labels, steps of 1, 2 or 5
// times a power of ten, with unlabeled minor ticks between them.
type stepTicks struct{}

func (stepTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return []plot.Tick{{Value: lo, Label: formatTick(lo, 1)}}
	}
	step, minor := niceStep((hi - lo) / 10)
	var ticks []plot.Tick
	first := math.Ceil(lo/minor) * minor
	for i := 0; ; i++ {
		v := first + float64(i)*minor
		if v > hi+minor*1e-9 || i > 1000 {
			break
		}
		label := ""
		if r := v / step; math.Abs(r-math.Round(r)) < 1e-9 {
			label = formatTick(v, step)
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: label})
	}
	return ticks
}

// niceStep rounds raw up to 1, 2 or 5 times a power of ten, and picks a
// minor step that divides it.
func niceStep(raw float64) (step, minor float64) {
	p := math.Pow10(int(math.Floor(math.Log10(raw))))
	switch m := raw / p; {
	case m <= 1:
		return p, p / 5
	case m <= 2:
		return 2 * p, p / 2
	case m <= 5:
		return 5 * p, p
	default:
		return 10 * p, 2 * p
	}
}

// formatTick prints v with as many decimals as step needs, and "0" for
// values that are zero up to rounding.
func formatTick(v, step float64) string {
	if math.Abs(v) < step*1e-9 {
		return "0"
	}
	decimals := 0
	if step < 1 {
		decimals = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	return strconv.FormatFloat(v, 'f', decimals, 64)
}

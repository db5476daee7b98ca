package plots

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// axisUnit picks the time unit an axis spanning span reads best in: whole
// numbers of moderate size rather than 0.0003 s or 250000 µs.
func axisUnit(span time.Duration) time.Duration {
	switch {
	case span < time.Microsecond:
		return time.Nanosecond
	case span < time.Millisecond:
		return time.Microsecond
	case span < 10*time.Second:
		return time.Millisecond
	default:
		return time.Second
	}
}

// unitName is the symbol of an axis unit chosen by axisUnit.
func unitName(u time.Duration) string {
	switch u {
	case time.Nanosecond:
		return "ns"
	case time.Microsecond:
		return "µs"
	case time.Millisecond:
		return "ms"
	case time.Second:
		return "s"
	}
	return u.String()
}

// inUnit converts d to a float number of u.
func inUnit(d, u time.Duration) float64 {
	return float64(d) / float64(u)
}

// formatDuration prints d with three significant digits in the unit that
// keeps the number between 1 and 1000: "12.3 ms", "850 µs", "1.25 s".
func formatDuration(d time.Duration) string {
	if d == 0 {
		return "0 s"
	}
	sign := ""
	if d < 0 {
		sign = "-"
		d = -d
	}
	u := time.Second
	switch {
	case d < time.Microsecond:
		u = time.Nanosecond
	case d < time.Millisecond:
		u = time.Microsecond
	case d < time.Second:
		u = time.Millisecond
	}
	return sign + formatSig(inUnit(d, u), 3) + " " + unitName(u)
}

// formatSig prints v with n significant digits and no trailing zeros.
func formatSig(v float64, n int) string {
	if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	digits := n - 1 - int(math.Floor(math.Log10(math.Abs(v))))
	if digits < 0 {
		// Round to tens, hundreds... without switching to exponent form.
		p := math.Pow10(-digits)
		return strconv.FormatFloat(math.Round(v/p)*p, 'f', 0, 64)
	}
	s := strconv.FormatFloat(v, 'f', digits, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// formatPercent prints a fraction as a whole percentage: 0.934 -> "93%".
func formatPercent(f float64) string {
	return fmt.Sprintf("%.0f%%", 100*f)
}

// formatTimes prints a ratio as a multiplier: 3.714 -> "3.71×".
func formatTimes(f float64) string {
	return formatSig(f, 3) + "×"
}

// timeDuration rounds a float number of nanoseconds to a Duration.
func timeDuration(ns float64) time.Duration { return time.Duration(math.Round(ns)) }

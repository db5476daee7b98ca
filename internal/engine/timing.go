package engine

import (
	"fmt"
	"time"
)

// TimeReport is %time's line: the wall time, the CPU time (user and
// system), the cores that implies were busy on average, and the peak
// memory (maxRSS bytes, left out when 0) with rssNote after it.
func TimeReport(wall, user, sys time.Duration, maxRSS int64, rssNote string) string {
	line := fmt.Sprintf("%%time: wall %v, user %v, sys %v", Round(wall), Round(user), Round(sys))
	if wall > 0 {
		line += fmt.Sprintf(", %.2f cores busy on average", float64(user+sys)/float64(wall))
	}
	if maxRSS > 0 {
		line += fmt.Sprintf(", max RSS %.1f MB%s", float64(maxRSS)/(1<<20), rssNote)
	}
	return line + "\n"
}

// Round keeps three significant figures or so: 1.234s, 12.3ms, 850µs.
func Round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	default:
		return d.Round(time.Microsecond)
	}
}

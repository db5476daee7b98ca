package compiled

import (
	"fmt"
	"os"
	"syscall"
	"time"
)

// timeReport is %time's line: wall time, the CPU time the program's process
// used, the cores that implies were busy on average, and its peak memory.
func timeReport(wall time.Duration, ps *os.ProcessState) string {
	user, sys := ps.UserTime(), ps.SystemTime()
	line := fmt.Sprintf("%%time: wall %v, user %v, sys %v", round(wall), round(user), round(sys))
	if wall > 0 {
		line += fmt.Sprintf(", %.2f cores busy on average", float64(user+sys)/float64(wall))
	}
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > 0 {
		line += fmt.Sprintf(", max RSS %.1f MB", float64(ru.Maxrss)/1024) // Linux reports KiB
	}
	return line + "\n"
}

// round keeps three significant figures or so: 1.234s, 12.3ms, 850µs.
func round(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	default:
		return d.Round(time.Microsecond)
	}
}

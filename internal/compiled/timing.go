package compiled

import (
	"os"
	"syscall"
	"time"

	"github.com/conclab/conclab/internal/engine"
)

// timeReport is %time's line for the program's process.
func timeReport(wall time.Duration, ps *os.ProcessState) string {
	var rss int64
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > 0 {
		rss = int64(ru.Maxrss) << 10 // Linux reports KiB
	}
	return engine.TimeReport(wall, ps.UserTime(), ps.SystemTime(), rss, "")
}

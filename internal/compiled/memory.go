package compiled

import (
	"bufio"
	"bytes"
	"os"
	"strconv"

	"github.com/conclab/conclab/internal/memlimit"
)

// DefaultMaxMemory is the memory one cell's program may use unless the
// kernel is told otherwise: half of the memory the kernel may use (the
// machine's, or the tightest of its cgroups' limits: a container's, a
// student's server's on a shared machine), so a runaway
// allocation is stopped before the machine starts swapping or the kernel is
// killed in its place.
func DefaultMaxMemory() int64 {
	total := memTotal()
	if limit := memlimit.CgroupLimit(); limit > 0 && (total == 0 || limit < total) {
		total = limit
	}
	if total > 0 {
		return total / 2
	}
	return 4 << 30
}

// memTotal reads MemTotal from /proc/meminfo, in bytes; 0 if unknown.
func memTotal() int64 {
	return procKB("/proc/meminfo", "MemTotal:")
}

// procKB reads a "Name:   123 kB" line of a /proc file.
func procKB(path, key string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.HasPrefix(line, []byte(key)) {
			continue
		}
		f := bytes.Fields(line[len(key):])
		if len(f) == 0 {
			return 0
		}
		n, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0
		}
		return n << 10
	}
	return 0
}

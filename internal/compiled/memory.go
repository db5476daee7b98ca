package compiled

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
)

// DefaultMaxMemory is the memory one cell's program may use unless the
// kernel is told otherwise: half of the memory the kernel may use (the
// machine's, or its container's when a cgroup limits it), so a runaway
// allocation is stopped before the machine starts swapping or the kernel is
// killed in its place.
func DefaultMaxMemory() int64 {
	total := memTotal()
	if limit := cgroupLimit(cgroupFiles); limit > 0 && (total == 0 || limit < total) {
		total = limit
	}
	if total > 0 {
		return total / 2
	}
	return 4 << 30
}

// cgroupFiles hold the memory limit of this process's cgroup: v2, then v1.
// Inside a container /proc/meminfo shows the host's memory, not the limit.
var cgroupFiles = []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}

// cgroupLimit is the first limit found in files, in bytes; 0 when there is
// none ("max", or v1's "no limit" of nearly 2^63).
func cgroupLimit(files []string) int64 {
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
		if err != nil || n <= 0 || n >= 1<<62 {
			return 0
		}
		return n
	}
	return 0
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

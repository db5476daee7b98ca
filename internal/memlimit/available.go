package memlimit

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// CgroupLimit is the memory limit the process's cgroups put on it and all
// it starts, in bytes; 0 when none does. It is the smallest limit of the
// process's own cgroup and of every ancestor its mount shows, in v2
// (memory.max) and in v1's memory controller (memory.limit_in_bytes): a
// kernel started in a student's cgroup under a class's, or in a systemd
// slice, is held by the tightest of them, not only by the mount's root.
func CgroupLimit() int64 { return cgroupLimit("/proc") }

func cgroupLimit(proc string) int64 {
	mi, err := os.Open(proc + "/self/mountinfo")
	if err != nil {
		return 0
	}
	m := parseMountinfo(mi)
	mi.Close()
	own, err := os.Open(proc + "/self/cgroup")
	if err != nil {
		return 0
	}
	v2, v1 := ownCgroups(own)
	own.Close()
	a := ancestorsLimit(m.v2.dir, cgroupDir(m.v2, v2), "memory.max")
	b := ancestorsLimit(m.v1Memory.dir, cgroupDir(m.v1Memory, v1), "memory.limit_in_bytes")
	switch {
	case a == 0:
		return b
	case b == 0 || a < b:
		return a
	}
	return b
}

// ancestorsLimit is the smallest limit in file of dir and of its parents up
// to the mount directory top; 0 when none has one.
func ancestorsLimit(top, dir, file string) int64 {
	if top == "" || dir == "" {
		return 0
	}
	top = filepath.Clean(top)
	var least int64
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if n := readLimit(filepath.Join(d, file)); n > 0 && (least == 0 || n < least) {
			least = n
		}
		if d == top || !strings.HasPrefix(d, top+string(filepath.Separator)) {
			return least
		}
	}
}

// readLimit reads a cgroup memory limit file, in bytes; 0 for none ("max",
// v1's "no limit" of nearly 2^63, or no file).
func readLimit(file string) int64 {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(string(bytes.TrimSpace(b)), 10, 64)
	if err != nil || n <= 0 || n >= 1<<62 {
		return 0
	}
	return n
}

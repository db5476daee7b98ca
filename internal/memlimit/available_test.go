package memlimit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCgroupLimitTakesTheTightestAncestor(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string // under the fake /sys/fs/cgroup
		own    string            // /proc/self/cgroup
		mounts string            // /proc/self/mountinfo, with {cg} for the fake mount
		want   int64
	}{
		{"v2, the student's cgroup under the class's", map[string]string{
			"memory.max": "max\n", "class/memory.max": "8589934592\n", "class/s1/memory.max": "3221225472\n",
			"class/s1/kernel/memory.max": "max\n"},
			"0::/class/s1/kernel\n", "30 25 0:26 / {cg} rw - cgroup2 cgroup2 rw\n", 3 << 30},
		{"v2, a parent tighter than the child", map[string]string{
			"class/memory.max": "1073741824", "class/s1/memory.max": "3221225472"},
			"0::/class/s1\n", "30 25 0:26 / {cg} rw - cgroup2 cgroup2 rw\n", 1 << 30},
		{"v1 memory controller, no limit anywhere", map[string]string{
			"memory.limit_in_bytes": "9223372036854771712", "a/memory.limit_in_bytes": "9223372036854771712"},
			"4:memory:/a\n", "36 31 0:33 / {cg} rw - cgroup cgroup rw,memory\n", 0},
		{"v1 in a container: the mount shows only its own cgroup", map[string]string{
			"memory.limit_in_bytes": "2147483648"},
			"4:memory:/docker/abc\n", "36 31 0:33 /docker/abc {cg} rw - cgroup cgroup rw,memory\n", 2 << 30},
		{"no cgroup mounts", nil, "0::/\n", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cg := filepath.Join(dir, "cg")
			for name, text := range tt.files {
				p := filepath.Join(cg, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			proc := filepath.Join(dir, "proc")
			if err := os.MkdirAll(filepath.Join(proc, "self"), 0o755); err != nil {
				t.Fatal(err)
			}
			mounts := []byte(strings.ReplaceAll(tt.mounts, "{cg}", cg))
			if err := os.WriteFile(filepath.Join(proc, "self", "mountinfo"), mounts, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(proc, "self", "cgroup"), []byte(tt.own), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := cgroupLimit(proc); got != tt.want {
				t.Errorf("cgroupLimit = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestReadLimit(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		text string
		want int64
	}{{"2147483648\n", 2 << 30}, {"max\n", 0}, {"9223372036854771712\n", 0}, {"", 0}, {"-1", 0}} {
		p := filepath.Join(dir, "limit")
		if err := os.WriteFile(p, []byte(tt.text), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := readLimit(p); got != tt.want {
			t.Errorf("readLimit(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
	if got := readLimit(filepath.Join(dir, "absent")); got != 0 {
		t.Errorf("readLimit(absent) = %d, want 0", got)
	}
}

package memlimit

import (
	"strings"
	"testing"
)

func TestParseMountinfo(t *testing.T) {
	tests := []struct {
		name, text string
		want       mounts
	}{
		{"hybrid", `25 30 0:23 / /sys rw - sysfs sysfs rw
35 31 0:32 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
36 31 0:33 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
37 31 0:34 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
`, mounts{v2: mount{"/sys/fs/cgroup/unified", "/"}, v1Memory: mount{"/sys/fs/cgroup/memory", "/"}}},
		{"v2 only, a namespace's root, optional fields", `30 25 0:26 /user.slice /sys/fs/cgroup rw shared:4 - cgroup2 cgroup2 rw,nsdelegate
`, mounts{v2: mount{"/sys/fs/cgroup", "/user.slice"}}},
		{"escaped space", `37 31 0:34 / /mnt/my\040cgroups rw - cgroup cgroup rw,cpuacct,memory
`, mounts{v1Memory: mount{"/mnt/my cgroups", "/"}}},
		{"garbage", "not a mountinfo line\n", mounts{}},
	}
	for _, tt := range tests {
		if got := parseMountinfo(strings.NewReader(tt.text)); got != tt.want {
			t.Errorf("%s: parseMountinfo = %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestOwnCgroups(t *testing.T) {
	tests := []struct {
		name, text string
		v2, v1     string
	}{
		{"hybrid", "9:name=systemd:/\n4:memory:/process_api/abc\n1:cpu:/\n0::/\n", "/", "/process_api/abc"},
		{"v2 only", "0::/user.slice/user-1000.slice/session-2.scope\n", "/user.slice/user-1000.slice/session-2.scope", ""},
		{"v1 joined controllers", "5:cpuacct,memory:/lab\n", "", "/lab"},
	}
	for _, tt := range tests {
		v2, v1 := ownCgroups(strings.NewReader(tt.text))
		if v2 != tt.v2 || v1 != tt.v1 {
			t.Errorf("%s: ownCgroups = %q, %q; want %q, %q", tt.name, v2, v1, tt.v2, tt.v1)
		}
	}
}

func TestCgroupDir(t *testing.T) {
	tests := []struct {
		name string
		m    mount
		path string
		want string
	}{
		{"root mount", mount{"/sys/fs/cgroup/memory", "/"}, "/process_api/abc", "/sys/fs/cgroup/memory/process_api/abc"},
		{"root cgroup", mount{"/sys/fs/cgroup", "/"}, "/", "/sys/fs/cgroup"},
		{"mount of a subtree", mount{"/sys/fs/cgroup", "/user.slice"}, "/user.slice/session.scope", "/sys/fs/cgroup/session.scope"},
		{"outside the mount", mount{"/sys/fs/cgroup", "/user.slice"}, "/system.slice/x", ""},
		{"prefix is not a parent", mount{"/sys/fs/cgroup", "/user"}, "/user.slice", ""},
		{"not mounted", mount{}, "/x", ""},
		{"unknown cgroup", mount{"/sys/fs/cgroup", "/"}, "", ""},
	}
	for _, tt := range tests {
		if got := cgroupDir(tt.m, tt.path); got != tt.want {
			t.Errorf("%s: cgroupDir = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestParseOOM(t *testing.T) {
	tests := []struct {
		name, text string
		want       oomState
		wantErr    bool
	}{
		{"v2 events", "low 0\nhigh 3\nmax 7\noom 1\noom_kill 1\noom_group_kill 1\n", oomState{kills: 1}, false},
		{"v1 waiting", "oom_kill_disable 1\nunder_oom 1\noom_kill 0\n", oomState{under: true}, false},
		{"v1 calm", "oom_kill_disable 1\nunder_oom 0\noom_kill 0\n", oomState{}, false},
		{"old kernel without oom_kill", "oom_kill_disable 0\nunder_oom 0\n", oomState{}, true},
	}
	for _, tt := range tests {
		got, err := parseOOM([]byte(tt.text))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%s: parseOOM = %+v, %v; want %+v, error %v", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}

package memlimit

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fakeProc is a procfs tree in a temporary directory. Its pids are above
// Linux's largest (2^22), so that a kill meant for them reaches nobody.
type fakeProc struct {
	t    *testing.T
	root string
}

const fakePid = 5_000_000

func newFakeProc(t *testing.T) *fakeProc { return &fakeProc{t: t, root: t.TempDir()} }

// add writes process pid: its parent, group, session, start time, anonymous
// memory in kB and command line; children are listed under its one task.
func (f *fakeProc) add(pid, ppid, pgrp, session int, start uint64, anonKB int64, cmd string, children ...int) {
	f.t.Helper()
	dir := filepath.Join(f.root, strconv.Itoa(pid))
	task := filepath.Join(dir, "task", strconv.Itoa(pid))
	if err := os.MkdirAll(task, 0o755); err != nil {
		f.t.Fatal(err)
	}
	kids := make([]string, len(children))
	for i, c := range children {
		kids[i] = strconv.Itoa(c)
	}
	stat := fmt.Sprintf("%d (%s) S %d %d %d 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 %d 0 0\n", pid, cmd, ppid, pgrp, session, start)
	files := map[string]string{
		filepath.Join(dir, "stat"):      stat,
		filepath.Join(dir, "status"):    fmt.Sprintf("Name:\t%s\nVmRSS:\t%d kB\nRssAnon:\t%d kB\nRssFile:\t9999 kB\nRssShmem:\t0 kB\n", cmd, anonKB+9999, anonKB),
		filepath.Join(dir, "cmdline"):   "/usr/bin/" + cmd + "\x00-c\x00",
		filepath.Join(task, "children"): strings.Join(kids, " "),
	}
	for name, text := range files {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			f.t.Fatal(err)
		}
	}
}

// remove makes process pid gone.
func (f *fakeProc) remove(pid int) {
	if err := os.RemoveAll(filepath.Join(f.root, strconv.Itoa(pid))); err != nil {
		f.t.Fatal(err)
	}
}

func TestParseStat(t *testing.T) {
	tests := []struct {
		name, line string
		want       procStat
		wantErr    bool
	}{
		{"plain", "42 (sh) S 1 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 777 0", procStat{state: 'S', ppid: 1, pgrp: 42, session: 42, start: 777}, false},
		{"name with spaces and parens", "42 (a (b) c) R 7 8 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 0", procStat{state: 'R', ppid: 7, pgrp: 8, session: 9, start: 5}, false},
		{"zombie", "42 (x) Z 7 8 9 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5", procStat{state: 'Z', ppid: 7, pgrp: 8, session: 9, start: 5}, false},
		{"no name", "42 x S 1 2 3", procStat{}, true},
		{"too short", "42 (x) S 1 2 3", procStat{}, true},
		{"bad number", "42 (x) S one 2 3 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5", procStat{}, true},
	}
	for _, tt := range tests {
		got, err := parseStat([]byte(tt.line))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%s: parseStat = %+v, %v; want %+v, error %v", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestStatusKB(t *testing.T) {
	status := "Name:\tx\nRssAnon:\t  1024 kB\nRssShmem:\t3 kB\nBroken:\tkB\n"
	tests := []struct {
		key  string
		want int64
	}{
		{"Name:", 0}, {"RssAnon:", 1024}, {"RssShmem:", 3}, {"Broken:", 0}, {"Missing:", 0},
	}
	for _, tt := range tests {
		if got := statusKB([]byte(status), tt.key); got != tt.want {
			t.Errorf("statusKB(%q) = %d, want %d", tt.key, got, tt.want)
		}
	}
}

func TestTrackerSample(t *testing.T) {
	const leader, child, grandchild, stray, other = fakePid + 1, fakePid + 2, fakePid + 3, fakePid + 4, fakePid + 5
	tests := []struct {
		name      string
		full      bool
		wantTotal int64
		wantTop   string
		wantProcs int
	}{
		// The stray's parent ended before the tracker saw it: only a full
		// sample finds it, in the leader's group.
		{"children only", false, (10 + 20 + 300) << 20, "python3", 3},
		{"with strays", true, (10 + 20 + 300 + 40) << 20, "python3", 4},
	}
	for _, tt := range tests {
		f := newFakeProc(t)
		f.add(leader, 1, leader, 1, 100, 10<<10, "cell", child)
		f.add(child, leader, leader, 1, 101, 20<<10, "sh", grandchild)
		f.add(grandchild, child, leader, 1, 102, 300<<10, "python3")
		f.add(stray, 1, leader, 1, 103, 40<<10, "sleep")
		f.add(other, 1, other, other, 104, 999<<10, "unrelated")
		tr := newTracker(procfs{root: f.root}, leader)
		u := tr.sample(tt.full)
		if u.total != tt.wantTotal || u.name != tt.wantTop || u.procs != tt.wantProcs || u.top != grandchild {
			t.Errorf("%s: sample = %+v, want total %d, top %s (%d), %d processes", tt.name, u, tt.wantTotal, tt.wantTop, grandchild, tt.wantProcs)
		}
	}
}

func TestTrackerForgetsEndedAndReusedPids(t *testing.T) {
	const leader, child = fakePid + 1, fakePid + 2
	f := newFakeProc(t)
	f.add(leader, 1, leader, 1, 100, 10<<10, "cell", child)
	f.add(child, leader, leader, 1, 101, 20<<10, "python3")
	tr := newTracker(procfs{root: f.root}, leader)
	if u := tr.sample(false); u.procs != 2 {
		t.Fatalf("first sample: %+v, want 2 processes", u)
	}
	// The child ends and its pid goes to an unrelated process.
	f.add(leader, 1, leader, 1, 100, 10<<10, "cell")
	f.add(child, 1, child, child, 500, 900<<10, "unrelated")
	if u := tr.sample(false); u.procs != 1 || u.total != 10<<20 {
		t.Errorf("after pid reuse: %+v, want only the leader's 10 MB", u)
	}
	f.remove(leader)
	if u := tr.sample(true); u.procs != 0 || u.total != 0 {
		t.Errorf("after the leader ended: %+v, want nothing", u)
	}
}

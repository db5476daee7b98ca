package memlimit

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// hierarchy is a cgroup hierarchy where the kernel may make a cgroup per
// tree, each with the limit: cgroup v2's memory.max, or the memory
// controller of cgroup v1.
type hierarchy struct {
	version int
	parent  string // the tree cgroups are made in it
	prefix  string // of their names: "conclab-PID-"
}

// mounts are where the cgroup hierarchies that matter are mounted.
type mounts struct {
	v2       mount // fstype cgroup2
	v1Memory mount // fstype cgroup with the memory controller
}

// mount is one line of mountinfo: the directory, and the cgroup that
// directory shows (not "/" when the mount shows part of a hierarchy).
type mount struct{ dir, root string }

// parseMountinfo finds the cgroup mounts in /proc/self/mountinfo.
func parseMountinfo(r io.Reader) mounts {
	var m mounts
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		// 35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if !ok {
			continue
		}
		f, g := strings.Fields(pre), strings.Fields(post)
		if len(f) < 5 || len(g) < 3 {
			continue
		}
		mt := mount{dir: unescapeMount(f[4]), root: unescapeMount(f[3])}
		switch {
		case g[0] == "cgroup2" && m.v2.dir == "":
			m.v2 = mt
		case g[0] == "cgroup" && m.v1Memory.dir == "" && slices.Contains(strings.Split(g[2], ","), "memory"):
			m.v1Memory = mt
		}
	}
	return m
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// ownCgroups reads /proc/self/cgroup: the process's cgroup in the v2
// hierarchy ("0::/path") and in v1's memory hierarchy ("4:memory:/path").
func ownCgroups(r io.Reader) (v2, v1Memory string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			v2 = parts[2]
		case slices.Contains(strings.Split(parts[1], ","), "memory"):
			v1Memory = parts[2]
		}
	}
	return v2, v1Memory
}

// cgroupDir is the directory of cgroup path in mount m; "" when the mount
// does not show it (a cgroup namespace's outside).
func cgroupDir(m mount, path string) string {
	if m.dir == "" || path == "" {
		return ""
	}
	rel, ok := strings.CutPrefix(path, strings.TrimSuffix(m.root, "/"))
	if !ok || (rel != "" && rel[0] != '/') || strings.Contains(rel, "/..") {
		return ""
	}
	return filepath.Join(m.dir, rel)
}

// hasWord reports whether a space-separated list file holds word.
func hasWord(file, word string) bool {
	b, err := os.ReadFile(file)
	return err == nil && slices.Contains(strings.Fields(string(b)), word)
}

// writeFile writes s to an existing cgroup file.
func writeFile(path, s string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(s)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %q to %s: %w", s, path, err)
	}
	return nil
}

// readPids reads a cgroup.procs file.
func readPids(path string) ([]int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			out = append(out, pid)
		}
	}
	return out, nil
}

// setupV2 makes dir, the kernel's own cgroup v2, a parent of tree cgroups
// with memory.max: possible when the memory controller is enabled for its
// children already, or when the kernel is the only process in it and may
// write there (a delegated cgroup): it then moves into a leaf cgroup of its
// own, conclab-PID-kernel, since a cgroup whose children have controllers
// holds no processes.
func setupV2(dir string, self int) (*hierarchy, error) {
	if dir == "" {
		return nil, errors.New("no cgroup v2 hierarchy is mounted")
	}
	if !hasWord(filepath.Join(dir, "cgroup.controllers"), "memory") {
		return nil, fmt.Errorf("cgroup v2 %s has no memory controller", dir)
	}
	h := &hierarchy{version: 2, parent: dir, prefix: "conclab-" + strconv.Itoa(self) + "-"}
	subtree := filepath.Join(dir, "cgroup.subtree_control")
	if !hasWord(subtree, "memory") {
		err := writeFile(subtree, "+memory")
		if err != nil && errors.Is(err, syscall.EBUSY) {
			err = h.moveOut(self)
		}
		if err != nil {
			return nil, fmt.Errorf("cgroup v2 %s: %w", dir, err)
		}
	}
	if err := h.probe(); err != nil {
		return nil, err
	}
	return h, nil
}

// moveOut moves the kernel out of the parent cgroup into a leaf of its own
// and enables the memory controller for the parent's children. Only when
// the kernel is alone there: other processes are not the kernel's to move.
func (h *hierarchy) moveOut(self int) error {
	procs, err := readPids(filepath.Join(h.parent, "cgroup.procs"))
	if err != nil {
		return err
	}
	if slices.ContainsFunc(procs, func(p int) bool { return p != self }) {
		return fmt.Errorf("it holds %d other processes, and a cgroup with processes cannot enable memory limits for cgroups below it", len(procs)-1)
	}
	leaf := filepath.Join(h.parent, h.prefix+"kernel")
	if err := os.Mkdir(leaf, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("make a cgroup for the kernel: %w", err)
	}
	if err := writeFile(filepath.Join(leaf, "cgroup.procs"), strconv.Itoa(self)); err != nil {
		os.Remove(leaf)
		return err
	}
	if err := writeFile(filepath.Join(h.parent, "cgroup.subtree_control"), "+memory"); err != nil {
		_ = writeFile(filepath.Join(h.parent, "cgroup.procs"), strconv.Itoa(self))
		os.Remove(leaf)
		return err
	}
	return nil
}

// setupV1 makes dir, the kernel's own cgroup in v1's memory hierarchy, a
// parent of tree cgroups with memory.limit_in_bytes.
func setupV1(dir string, self int) (*hierarchy, error) {
	if dir == "" {
		return nil, errors.New("no cgroup v1 memory hierarchy is mounted")
	}
	h := &hierarchy{version: 1, parent: dir, prefix: "conclab-" + strconv.Itoa(self) + "-"}
	if err := h.probe(); err != nil {
		return nil, err
	}
	return h, nil
}

// probe makes a tree cgroup with a limit, and removes it: the hierarchy can
// be used. It also sweeps cgroups left by kernels that are gone.
func (h *hierarchy) probe() error {
	h.sweep()
	g, err := h.create("probe", 1<<30)
	if err != nil {
		return err
	}
	defer g.remove()
	if _, err := g.oom(); err != nil {
		return fmt.Errorf("cgroup v%d %s: cannot count out-of-memory kills: %w", h.version, g.dir, err)
	}
	return nil
}

// sweep removes the empty tree cgroups of kernels that ended without
// removing theirs (killed with SIGKILL: their processes died with them).
func (h *hierarchy) sweep() {
	entries, err := os.ReadDir(h.parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), "conclab-")
		if !e.IsDir() || !ok {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid == os.Getpid() || alive(pid) {
			continue
		}
		os.Remove(filepath.Join(h.parent, e.Name())) // fails, as it should, while processes are in it
	}
}

// alive reports whether a process pid exists, whoever owns it.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// cgroup is the cgroup of one tree.
type cgroup struct {
	h   *hierarchy
	dir string
}

// create makes the tree cgroup named h.prefix+name with limit bytes.
func (h *hierarchy) create(name string, limit int64) (*cgroup, error) {
	dir := filepath.Join(h.parent, h.prefix+name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		return nil, fmt.Errorf("make cgroup: %w", err)
	}
	g := &cgroup{h: h, dir: dir}
	n := strconv.FormatInt(limit, 10)
	var err error
	if h.version == 2 {
		err = writeFile(filepath.Join(dir, "memory.max"), n)
		if err == nil {
			// Not swap instead of the limit, and the whole tree at once
			// when the kernel must kill in it; both are missing in some
			// kernels, which is no reason to do without the limit.
			_ = writeFile(filepath.Join(dir, "memory.swap.max"), "0")
			_ = writeFile(filepath.Join(dir, "memory.oom.group"), "1")
		}
	} else {
		err = writeFile(filepath.Join(dir, "memory.limit_in_bytes"), n)
		if err == nil {
			_ = writeFile(filepath.Join(dir, "memory.memsw.limit_in_bytes"), n)
			// A tree at its limit waits instead of losing one process
			// to the kernel's choice: the watcher sees it under_oom,
			// tells which process held the most, and ends it all.
			_ = writeFile(filepath.Join(dir, "memory.oom_control"), "1")
		}
	}
	if err != nil {
		g.remove()
		return nil, fmt.Errorf("set the memory limit: %w", err)
	}
	return g, nil
}

// add moves process pid into the cgroup.
func (g *cgroup) add(pid int) error {
	return writeFile(filepath.Join(g.dir, "cgroup.procs"), strconv.Itoa(pid))
}

// pids lists the processes in the cgroup.
func (g *cgroup) pids() []int {
	pids, _ := readPids(filepath.Join(g.dir, "cgroup.procs"))
	return pids
}

// oomState is what a cgroup says about running out of memory.
type oomState struct {
	kills int64 // processes the kernel killed for want of memory
	under bool  // processes wait for memory the limit does not allow (v1)
}

// oom reads the cgroup's out-of-memory state: memory.events in v2,
// memory.oom_control in v1.
func (g *cgroup) oom() (oomState, error) {
	file := "memory.events"
	if g.h.version == 1 {
		file = "memory.oom_control"
	}
	b, err := os.ReadFile(filepath.Join(g.dir, file))
	if err != nil {
		return oomState{}, err
	}
	return parseOOM(b)
}

// parseOOM reads the oom_kill and under_oom lines of memory.events or
// memory.oom_control.
func parseOOM(b []byte) (oomState, error) {
	var st oomState
	found := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		key, v, _ := strings.Cut(sc.Text(), " ")
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			continue
		}
		switch key {
		case "oom_kill":
			st.kills, found = n, true
		case "under_oom":
			st.under = n != 0
		}
	}
	if !found {
		return oomState{}, errors.New("no oom_kill line")
	}
	return st, nil
}

// peak is the most memory the cgroup held; 0 when unknown.
func (g *cgroup) peak() int64 {
	file := "memory.peak"
	if g.h.version == 1 {
		file = "memory.max_usage_in_bytes"
	}
	b, err := os.ReadFile(filepath.Join(g.dir, file))
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n
}

// kill ends every process in the cgroup, at once where the kernel can
// (cgroup.kill), else one by one until none is left.
func (g *cgroup) kill() {
	if g.h.version == 2 && writeFile(filepath.Join(g.dir, "cgroup.kill"), "1") == nil {
		return
	}
	for range 100 {
		pids := g.pids()
		if len(pids) == 0 {
			return
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(time.Millisecond)
	}
}

// remove kills what is left in the cgroup and removes it. Processes killed
// a moment ago may take a little while to leave.
func (g *cgroup) remove() error {
	var err error
	for i := range 200 {
		if err = os.Remove(g.dir); err == nil || errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if i == 0 {
			g.kill()
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("remove cgroup: %w", err)
}

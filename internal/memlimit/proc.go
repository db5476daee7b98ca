package memlimit

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// procfs reads processes from a procfs mounted at root: "/proc", or a fake
// tree in tests.
type procfs struct{ root string }

// procStat holds the fields of /proc/PID/stat that the limiter uses.
type procStat struct {
	state   byte
	ppid    int
	pgrp    int
	session int
	start   uint64 // clock ticks after boot: tells a process from a later one with its pid
}

// errGone is a process that is no longer there.
var errGone = errors.New("no such process")

// stat reads /proc/PID/stat.
func (p procfs) stat(pid int) (procStat, error) {
	b, err := os.ReadFile(filepath.Join(p.root, strconv.Itoa(pid), "stat"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return procStat{}, errGone
		}
		return procStat{}, fmt.Errorf("read process %d: %w", pid, err)
	}
	return parseStat(b)
}

// parseStat parses a stat line. The command name may hold spaces and
// parentheses, so the fields are counted after its last ')'.
func parseStat(b []byte) (procStat, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("stat %q: no command name", b)
	}
	f := strings.Fields(string(b[i+1:]))
	// state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
	// cmajflt utime stime cutime cstime priority nice num_threads
	// itrealvalue starttime
	if len(f) < 20 || len(f[0]) != 1 {
		return procStat{}, fmt.Errorf("stat %q: too few fields", b)
	}
	var st procStat
	st.state = f[0][0]
	var err error
	for _, v := range []struct {
		dst *int
		s   string
	}{{&st.ppid, f[1]}, {&st.pgrp, f[2]}, {&st.session, f[3]}} {
		if *v.dst, err = strconv.Atoi(v.s); err != nil {
			return procStat{}, fmt.Errorf("stat %q: %w", b, err)
		}
	}
	if st.start, err = strconv.ParseUint(f[19], 10, 64); err != nil {
		return procStat{}, fmt.Errorf("stat %q: %w", b, err)
	}
	return st, nil
}

// children lists the children of process pid: each thread keeps the
// children it forked, so every thread's list counts.
func (p procfs) children(pid int) []int {
	taskDir := filepath.Join(p.root, strconv.Itoa(pid), "task")
	tasks, err := os.ReadDir(taskDir)
	if err != nil {
		return nil
	}
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile(filepath.Join(taskDir, t.Name(), "children"))
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// memory is what process pid holds in memory of its own, in bytes: its
// resident anonymous pages (heap, stacks) and shared memory (tmpfs, shm);
// the program and library files it maps are left out, as a cgroup leaves
// them to the page cache. 0 when unknown.
func (p procfs) memory(pid int) int64 {
	b, err := os.ReadFile(filepath.Join(p.root, strconv.Itoa(pid), "status"))
	if err != nil {
		return 0
	}
	return statusKB(b, "RssAnon:")<<10 + statusKB(b, "RssShmem:")<<10
}

// statusKB reads a "Name:   123 kB" line of a status file; 0 when missing.
func statusKB(b []byte, key string) int64 {
	i := bytes.Index(b, []byte("\n"+key))
	if i < 0 {
		if !bytes.HasPrefix(b, []byte(key)) {
			return 0
		}
	} else {
		b = b[i+1:]
	}
	line, _, _ := bytes.Cut(b[len(key):], []byte("\n"))
	f := bytes.Fields(line)
	if len(f) == 0 {
		return 0
	}
	n, err := strconv.ParseInt(string(f[0]), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// name is the command of process pid as a person would call it: the base
// name of its argv[0], or the kernel's short name when that is unknown;
// "" when the process is gone.
func (p procfs) name(pid int) string {
	dir := filepath.Join(p.root, strconv.Itoa(pid))
	if b, err := os.ReadFile(filepath.Join(dir, "cmdline")); err == nil && len(b) > 0 {
		arg0, _, _ := bytes.Cut(b, []byte{0})
		if s := filepath.Base(string(arg0)); s != "" && s != "." && s != "/" {
			return s
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "comm")); err == nil {
		return strings.TrimSpace(string(b))
	}
	return ""
}

// pids lists every process.
func (p procfs) pids() ([]int, error) {
	f, err := os.Open(p.root)
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	out := make([]int, 0, len(names))
	for _, n := range names {
		if pid, err := strconv.Atoi(n); err == nil {
			out = append(out, pid)
		}
	}
	return out, nil
}

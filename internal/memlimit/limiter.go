// Package memlimit holds everything a cell starts to one memory limit: the
// compiled cell's program and its children, the live worker, shell lines
// and scripts. Each process tree gets a cgroup of its own where the kernel
// can make one (cgroup v2 delegated to it, or v1's memory controller);
// elsewhere its processes are found through /proc and their memory added
// up every few milliseconds, with RLIMIT_DATA as a backstop against a
// single allocation that would outrun the polling.
package memlimit

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"time"
)

// Mechanisms a Limiter can use; Options.Mechanism picks one.
const (
	Auto   = ""       // a cgroup where one can be made, else polling
	Cgroup = "cgroup" // a cgroup or nothing: New fails without one
	Poll   = "poll"   // /proc polling and RLIMIT_DATA even where a cgroup could be made
)

// Options configure a Limiter.
type Options struct {
	// Limit is the memory, in bytes, one tree may hold in all.
	Limit int64
	// Mechanism is Auto, Cgroup or Poll.
	Mechanism string
	// Interval is how often a tree is looked at; 20ms when zero.
	Interval time.Duration
	// Backstop is added to Limit for RLIMIT_DATA when polling: a single
	// allocation larger than Limit+Backstop fails in the program instead
	// of outrunning the polling. 4 GiB when zero; negative for none.
	Backstop int64
	// Logger gets a line saying which mechanism is in force.
	Logger *slog.Logger

	proc string // procfs root; "/proc" when empty
}

// A Limiter starts limited trees. It is safe for concurrent use.
type Limiter struct {
	opt   Options
	fs    procfs
	h     *hierarchy   // nil when polling
	why   string       // why there is no cgroup
	trees atomic.Int64 // numbers the trees' cgroups
}

// New chooses how trees are limited: a cgroup when the kernel can make one
// (unless opt.Mechanism is Poll), else polling. It fails only when
// opt.Mechanism is Cgroup and no cgroup can be made, or opt is invalid.
func New(opt Options) (*Limiter, error) {
	if opt.Limit <= 0 {
		return nil, fmt.Errorf("memory limit: %d bytes is not a limit", opt.Limit)
	}
	if opt.Interval <= 0 {
		opt.Interval = 20 * time.Millisecond
	}
	if opt.Backstop == 0 {
		opt.Backstop = 4 << 30
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.proc == "" {
		opt.proc = "/proc"
	}
	l := &Limiter{opt: opt, fs: procfs{root: opt.proc}}
	switch opt.Mechanism {
	case Poll:
		l.why = "polling was asked for"
	case Auto, Cgroup:
		h, err := findHierarchy(opt.proc, os.Getpid())
		if err != nil {
			if opt.Mechanism == Cgroup {
				return nil, fmt.Errorf("memory limit: %w", err)
			}
			l.why = err.Error()
		}
		l.h = h
	default:
		return nil, fmt.Errorf("memory limit: unknown mechanism %q (want %q or %q)", opt.Mechanism, Cgroup, Poll)
	}
	opt.Logger.Info("memory limit", "limit", Size(opt.Limit), "mechanism", l.Mechanism())
	return l, nil
}

// findHierarchy looks for a cgroup hierarchy the kernel may make cgroups
// in: v2 first, then v1's memory controller.
func findHierarchy(proc string, self int) (*hierarchy, error) {
	mi, err := os.Open(proc + "/self/mountinfo")
	if err != nil {
		return nil, fmt.Errorf("find cgroups: %w", err)
	}
	m := parseMountinfo(mi)
	mi.Close()
	own, err := os.Open(proc + "/self/cgroup")
	if err != nil {
		return nil, fmt.Errorf("find cgroups: %w", err)
	}
	v2, v1 := ownCgroups(own)
	own.Close()
	h, err2 := setupV2(cgroupDir(m.v2, v2), self)
	if err2 == nil {
		return h, nil
	}
	h, err1 := setupV1(cgroupDir(m.v1Memory, v1), self)
	if err1 == nil {
		return h, nil
	}
	return nil, errors.Join(err2, err1)
}

// Limit is the memory one tree may hold, in bytes.
func (l *Limiter) Limit() int64 { return l.opt.Limit }

// Mechanism says how trees are limited, for %help and the log: "a cgroup
// v1 memory controller at /sys/fs/cgroup/memory/..." or "polling /proc
// every 20ms plus RLIMIT_DATA (no cgroup: ...)".
func (l *Limiter) Mechanism() string {
	if l.h != nil {
		return fmt.Sprintf("cgroup v%d (a cgroup per cell in %s)", l.h.version, l.h.parent)
	}
	backstop := "no RLIMIT_DATA"
	if l.opt.Backstop > 0 {
		backstop = "RLIMIT_DATA of " + Size(l.opt.Limit+l.opt.Backstop)
	}
	why, _, _ := strings.Cut(l.why, "\n")
	return fmt.Sprintf("polling the cell's processes every %v, %s (no cgroup: %s)",
		l.opt.Interval, backstop, why)
}

// UsesCgroup reports whether trees get a cgroup.
func (l *Limiter) UsesCgroup() bool { return l.h != nil }

// Size writes n bytes as "256 MB" or "1.5 GB", as the kernel's other
// messages do.
func Size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.3g GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.3g MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.3g KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

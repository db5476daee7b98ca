package memlimit

import (
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// A Tree is one limited process tree: a cell's program, the live worker or
// a shell line, with everything it starts. Its watcher stops the whole
// tree when it goes over the limit.
type Tree struct {
	l    *Limiter
	g    *cgroup       // nil when polling
	over chan struct{} // closed once a breach stopped the tree
	stop chan struct{} // closed by Close
	done chan struct{} // closed when the watcher returned

	mu     sync.Mutex
	tr     *tracker
	inside map[int]uint64 // members moved into g -> their start time
	last   usage          // the previous sample
	peak   int64
	breach *Breach

	closeOnce sync.Once
}

// fullEvery is how many samples pass between looks through all of /proc
// for processes that left the tree unseen.
const fullEvery = 25

// Start limits the tree of process pid, which has just started. Where the
// limiter uses cgroups, pid moves into a new cgroup (its children follow
// it there); when that fails the tree is polled instead. Call Close when
// the tree is done with.
func (l *Limiter) Start(pid int) *Tree {
	t := &Tree{
		l: l, over: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{}),
		tr: newTracker(l.fs, pid), inside: map[int]uint64{},
	}
	if l.h != nil {
		g, err := l.h.create("tree"+strconv.FormatInt(l.trees.Add(1), 10), l.opt.Limit)
		if err == nil {
			if err = g.add(pid); err != nil {
				_ = g.remove()
			}
		}
		if err != nil {
			l.opt.Logger.Warn("memory limit: polling a process instead of its cgroup", "pid", pid, "err", err)
		} else {
			t.g = g
			if m := t.tr.members[pid]; m != nil {
				t.inside[pid] = m.start
			}
		}
	}
	if t.g == nil && l.opt.Backstop > 0 {
		n := uint64(l.opt.Limit + l.opt.Backstop)
		if err := unix.Prlimit(pid, unix.RLIMIT_DATA, &unix.Rlimit{Cur: n, Max: n}, nil); err != nil {
			l.opt.Logger.Debug("memory limit: no RLIMIT_DATA", "pid", pid, "err", err)
		}
	}
	go t.watch()
	return t
}

// Over is closed once the tree went over the limit and was stopped.
func (t *Tree) Over() <-chan struct{} { return t.over }

// Breach says whether the tree went over the limit: the watcher's finding,
// or, where the out-of-memory killer of the OS acted before the watcher
// looked, its count in the cgroup. Call it when the tree's leader ended
// to learn why.
func (t *Tree) Breach() *Breach {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.breach == nil && t.g != nil {
		if st, err := t.g.oom(); err == nil && (st.kills > 0 || st.under) {
			t.breach = t.report(t.last)
		}
	}
	return t.breach
}

// Peak is the most the tree held at one look, in bytes.
func (t *Tree) Peak() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.g != nil {
		if p := t.g.peak(); p > t.peak {
			return p
		}
	}
	return t.peak
}

// Close stops watching, kills what is left of the tree, and removes its
// cgroup.
func (t *Tree) Close() {
	t.closeOnce.Do(func() {
		close(t.stop)
		<-t.done
		t.mu.Lock()
		defer t.mu.Unlock()
		t.tr.kill()
		if t.g != nil {
			if err := t.g.remove(); err != nil {
				t.l.opt.Logger.Warn("memory limit", "err", err)
			}
		}
	})
}

// watch looks at the tree every interval until Close or a breach.
func (t *Tree) watch() {
	defer close(t.done)
	tick := time.NewTicker(t.l.opt.Interval)
	defer tick.Stop()
	for n := 1; ; n++ {
		select {
		case <-t.stop:
			return
		case <-tick.C:
		}
		if t.look(n%fullEvery == 0) {
			close(t.over)
			return
		}
	}
}

// look samples the tree once and stops it when it is over the limit. It
// reports whether it did.
func (t *Tree) look(full bool) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	u := t.tr.sample(full)
	t.peak = max(t.peak, u.total)
	over := u.total > t.l.opt.Limit
	if t.g != nil {
		t.adopt()
		if st, err := t.g.oom(); err == nil && (st.kills > 0 || st.under) {
			over = true
		}
	}
	if !over {
		t.last = u
		return false
	}
	if t.last.total > u.total {
		u = t.last // the OS killed some of the tree already
	}
	t.breach = t.report(u)
	if t.g != nil {
		t.g.kill()
	}
	t.tr.kill()
	return true
}

// adopt moves members that are not in the tree's cgroup into it: those
// that a process forked before it was moved there.
func (t *Tree) adopt() {
	for pid, m := range t.tr.members {
		if start, ok := t.inside[pid]; ok && start == m.start {
			continue
		}
		if t.g.add(pid) == nil {
			t.inside[pid] = m.start
		}
	}
	for pid := range t.inside {
		if _, ok := t.tr.members[pid]; !ok {
			delete(t.inside, pid)
		}
	}
}

// report describes a breach from the sample u.
func (t *Tree) report(u usage) *Breach {
	b := &Breach{Limit: t.l.opt.Limit, Used: u.total, Process: u.name, Held: u.held}
	if b.Process == "" {
		b.Process, b.Held = t.tr.largest()
	}
	return b
}

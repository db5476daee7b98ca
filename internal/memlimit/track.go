package memlimit

import (
	"syscall"
)

// tracker follows the processes of one tree through /proc: the leader, what
// it started, and what they started, also after a process left the leader's
// group (setpgid, setsid) or its parent ended. A process is a member from
// the first time it is seen below a member, or in a group or session that a
// member leads, until it ends.
type tracker struct {
	fs      procfs
	leader  int
	members map[int]*member
	groups  map[int]bool // process groups and sessions whose leader is a member
}

// member is one process of the tree.
type member struct {
	start uint64 // clock ticks after boot: tells it from a later process with its pid
	held  int64  // what it held at the last sample
	name  string // its command, read when it last held the most
}

func newTracker(fs procfs, leader int) *tracker {
	t := &tracker{fs: fs, leader: leader, members: map[int]*member{}, groups: map[int]bool{leader: true}}
	if st, err := fs.stat(leader); err == nil {
		t.members[leader] = &member{start: st.start}
	}
	return t
}

// usage is what one sample found.
type usage struct {
	total int64  // bytes held by all members
	top   int    // the member holding the most
	name  string // its command
	held  int64  // what top holds
	procs int    // members alive
}

// sample finds the tree's processes and adds up their memory. A full
// sample also looks through every process of the machine for members that
// left the tree while nobody looked (a parent that exited between samples):
// it costs a read of all of /proc, so it is done now and then.
func (t *tracker) sample(full bool) usage {
	var u usage
	todo := make([]int, 0, len(t.members))
	for pid := range t.members {
		todo = append(todo, pid)
	}
	if full {
		todo = append(todo, t.strays()...)
	}
	for len(todo) > 0 {
		pid := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		st, err := t.fs.stat(pid)
		m := t.members[pid]
		if err != nil || (m != nil && st.start != m.start) {
			delete(t.members, pid)
			continue
		}
		if m == nil {
			m = &member{start: st.start}
			t.members[pid] = m
		}
		if st.pgrp == pid || st.session == pid {
			t.groups[pid] = true
		}
		if st.state == 'Z' {
			m.held = 0
			continue // holds no memory; its children were given to another parent
		}
		u.procs++
		m.held = t.fs.memory(pid)
		u.total += m.held
		if m.held > u.held {
			u.top, u.held = pid, m.held
		}
		for _, c := range t.fs.children(pid) {
			if _, ok := t.members[c]; !ok {
				if cst, err := t.fs.stat(c); err == nil {
					t.members[c] = &member{start: cst.start}
					todo = append(todo, c)
				}
			}
		}
	}
	if m := t.members[u.top]; m != nil {
		// Read again each time: a child seen between fork and exec has
		// its parent's name.
		if name := t.fs.name(u.top); name != "" {
			m.name = name
		}
		u.name = m.name
	}
	return u
}

// largest is the member that held the most at the last sample, alive or
// not (the kernel may have killed it since): its command and what it held.
func (t *tracker) largest() (string, int64) {
	var best *member
	pid := 0
	for p, m := range t.members {
		if best == nil || m.held > best.held {
			best, pid = m, p
		}
	}
	if best == nil {
		return "", 0
	}
	if best.name == "" {
		best.name = t.fs.name(pid)
	}
	return best.name, best.held
}

// strays are processes in a group or session of the tree that are not known
// members yet; they are added to members.
func (t *tracker) strays() []int {
	pids, err := t.fs.pids()
	if err != nil {
		return nil
	}
	var out []int
	for _, pid := range pids {
		if _, ok := t.members[pid]; ok {
			continue
		}
		st, err := t.fs.stat(pid)
		if err != nil || !(t.groups[st.pgrp] || t.groups[st.session]) {
			continue
		}
		t.members[pid] = &member{start: st.start}
		out = append(out, pid)
	}
	return out
}

// kill sends SIGKILL to every member still alive and to the groups they
// are in that a member leads (or led: a group outlives its leader). A group
// with no member alive is left alone: its id may belong to others by now.
func (t *tracker) kill() {
	alive := map[int]bool{}
	groups := map[int]bool{}
	for pid, m := range t.members {
		if st, err := t.fs.stat(pid); err == nil && st.start == m.start {
			alive[pid] = true
			if t.groups[st.pgrp] {
				groups[st.pgrp] = true
			}
		}
	}
	for g := range groups {
		_ = syscall.Kill(-g, syscall.SIGKILL)
	}
	for pid := range alive {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

package demos

import (
	"strconv"
	"time"
)

// threadShare is the least part of a process's running time one of its
// threads must have had to get a lane of its own in Rows.
const threadShare = 0.05

// Rows returns the recording's tasks as lanes show them: a process whose
// work spread over several threads (CPython's threads, a Go program's work
// on two cores) gives one task per busy thread, on a lane named after the
// process and the thread ("pid 41 · tid 43"), so that threads taking turns
// show as turns. The choice is made per process over all its tasks, so a
// process keeps the same lanes from task to task; a thread is busy when it
// had at least 5% of its process's running time, and the others' samples
// are left out of the split tasks. Other tasks are returned as they are.
func (r *Recording) Rows() []Task {
	busy := r.busyThreads()
	if len(busy) == 0 {
		return r.Tasks
	}
	out := make([]Task, 0, len(r.Tasks))
	for _, t := range r.Tasks {
		keep := busy[t.Lane]
		if len(keep) < 2 || len(t.Threads) == 0 {
			out = append(out, t)
			continue
		}
		for _, th := range t.Threads {
			if !keep[th.TID] {
				continue
			}
			row := t
			row.Threads = []Thread{th}
			row.Lane = t.Lane + " · tid " + strconv.Itoa(th.TID)
			if th.Name != "" && th.Name != r.leaderName(t) {
				row.Lane += " " + th.Name
			}
			out = append(out, row)
		}
	}
	return out
}

// busyThreads lists, per lane of tasks with threads, the threads that had
// at least threadShare of the lane's running time.
func (r *Recording) busyThreads() map[string]map[int]bool {
	running := map[string]map[int]time.Duration{}
	total := map[string]time.Duration{}
	for _, t := range r.Tasks {
		for _, th := range t.Threads {
			if running[t.Lane] == nil {
				running[t.Lane] = map[int]time.Duration{}
			}
			for _, s := range th.Samples {
				running[t.Lane][th.TID] += s.Running
				total[t.Lane] += s.Running
			}
		}
	}
	out := map[string]map[int]bool{}
	for lane, byTID := range running {
		for tid, d := range byTID {
			if total[lane] > 0 && float64(d) >= threadShare*float64(total[lane]) {
				if out[lane] == nil {
					out[lane] = map[int]bool{}
				}
				out[lane][tid] = true
			}
		}
	}
	return out
}

// leaderName is the name of the main thread of t's process (the thread
// whose id is the process's), which names every thread by default: a
// thread's own name is worth showing only when it differs.
func (*Recording) leaderName(t Task) string {
	for _, th := range t.Threads {
		if th.TID == t.PID {
			return th.Name
		}
	}
	return ""
}

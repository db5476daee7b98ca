package demos

import (
	"strconv"
	"sync"
)

// Goroutines runs fn in n goroutines at once, passing each its own T (IDs 0
// to n-1, lanes "g0" to "g<n-1>"), waits for all of them and returns the
// recording: the analog of starting n threads and joining them. A task
// starts when its goroutine is started (the go statement), so the time it
// waited for a CPU before running at all is part of it.
func Goroutines(n int, fn func(t *T)) *Recording {
	return concurrent("goroutines", max(n, 0), func(int) func(*T) { return fn })
}

// Concurrent runs each function in its own goroutine, all at once, and
// returns the recording once they have all returned. Task i runs fns[i] on
// lane "g<i>".
func Concurrent(fns ...func(t *T)) *Recording {
	return concurrent("concurrent", len(fns), func(i int) func(*T) { return fns[i] })
}

// concurrent runs n tasks at once, task i running fnAt(i). Tasks and
// handles are allocated in one block each, so that recording adds no
// allocation per goroutine beyond its lane's name.
func concurrent(title string, n int, fnAt func(i int) func(*T)) *Recording {
	tasks := make([]Task, n)
	ts := make([]T, n)
	lanes := goroutineLanes(n)
	var wg sync.WaitGroup
	wg.Add(n)
	r := startTracedRun()
	// The goroutines are created in task order: the trace ties task i to
	// the i-th goroutine this one creates (bindCreated).
	for i := range n {
		tasks[i] = Task{ID: i, Lane: lanes(i), Start: r.now()}
		t, fn := &ts[i], fnAt(i)
		t.run, t.task = r, &tasks[i]
		go func() {
			defer wg.Done()
			t.exec(fn)
		}()
	}
	wg.Wait()
	rec := r.recording(title, KindGoroutines, n)
	r.finish(rec)
	rec.Tasks = tasks
	r.resolve(rec, bindCreated)
	return rec
}

// Serial runs fn n times, one after another, on the calling goroutine (lane
// "main"): the baseline the concurrent runs are measured against.
func Serial(n int, fn func(t *T)) *Recording {
	tasks := make([]Task, max(n, 0))
	ts := make([]T, len(tasks))
	r := startTracedRun()
	for i := range tasks {
		tasks[i] = Task{ID: i, Lane: "main", Start: r.now()}
		ts[i] = T{run: r, task: &tasks[i]}
		ts[i].exec(fn)
	}
	rec := r.recording("serial", KindSerial, 1)
	r.finish(rec)
	rec.Tasks = tasks
	r.resolve(rec, bindRunner)
	return rec
}

// goroutineLanes names the lanes of n goroutines, "g0" to "g<n-1>", as
// slices of one string: a run of 100,000 goroutines then costs one
// allocation for its lane names instead of one per goroutine.
func goroutineLanes(n int) func(i int) string {
	buf := make([]byte, 0, n*(2+len(strconv.Itoa(n))))
	ends := make([]int, n)
	for i := range n {
		buf = append(buf, 'g')
		buf = strconv.AppendInt(buf, int64(i), 10)
		ends[i] = len(buf)
	}
	all := string(buf)
	return func(i int) string {
		start := 0
		if i > 0 {
			start = ends[i-1]
		}
		return all[start:ends[i]]
	}
}

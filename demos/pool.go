package demos

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
)

// Map runs fn over jobs with a pool of workers goroutines and returns the
// results in job order, the recording, and the jobs' errors joined: the
// analog of Pool.map and ThreadPoolExecutor.map. It is ForEach with the
// results kept; see ForEach for how jobs are scheduled, failures collected
// and cancellation handled.
func Map[J, R any](ctx context.Context, workers int, jobs []J, fn func(t *T, job J) (R, error)) ([]R, *Recording, error) {
	results := make([]R, len(jobs))
	rec, err := ForEach(ctx, workers, len(jobs), func(t *T, i int) error {
		res, err := fn(t, jobs[i])
		results[i] = res
		return err
	})
	return results, rec, err
}

// ForEach runs fn for jobs 0 to n-1 with a pool of workers goroutines, and
// returns the recording and the jobs' errors joined. It suits code that
// keeps its own results (in a slice indexed by job) and, having no type
// parameters, interpreters such as yaegi that cannot call generic
// functions compiled into them.
//
// At most workers jobs run at once (at least one). Each worker takes the
// next job as soon as it is free, so the recording shows how jobs spread
// over the workers (lanes "worker 0" to "worker <w-1>"). Task IDs are job
// numbers. A job's error or panic is recorded on its task and collected;
// the other jobs still run. When ctx ends, jobs not yet started are skipped
// (they are not in the recording, and the error says how many), and
// running jobs see it through T.Context.
func ForEach(ctx context.Context, workers, n int, fn func(t *T, job int) error) (*Recording, error) {
	n = max(n, 0)
	workers = max(min(workers, n), 1)
	errs := make([]error, n)
	tasks := make([]Task, n)
	ts := make([]T, n)
	ran := make([]bool, n)
	worker := make([]int32, n) // which worker ran job i, for the trace

	var next atomic.Int64
	var wg sync.WaitGroup
	wg.Add(workers)
	r := startTracedRun()
	// Workers are created in order: the trace ties worker w to the w-th
	// goroutine this one creates (bindWorkers).
	for w := range workers {
		lane := "worker " + strconv.Itoa(w)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				tasks[i] = Task{ID: i, Lane: lane, Start: r.now()}
				worker[i] = int32(w)
				t := &ts[i]
				t.run, t.task, t.ctx = r, &tasks[i], ctx
				ran[i] = true
				t.exec(func(t *T) {
					if err := fn(t, i); err != nil {
						t.Fail(err)
						errs[i] = err
					}
				})
				if errs[i] == nil && tasks[i].Err != "" { // a panic
					errs[i] = errors.New(tasks[i].Err)
				}
			}
		}()
	}
	wg.Wait()

	rec := r.recording("pool", KindPool, workers)
	r.finish(rec)
	rec.Tasks = tasks[:0]
	skipped := 0
	var all []error
	for i := range n {
		if !ran[i] {
			skipped++
			continue
		}
		rec.Tasks = append(rec.Tasks, tasks[i]) // compacts in place
		if errs[i] != nil {
			all = append(all, fmt.Errorf("job %d: %w", i, errs[i]))
		}
	}
	if skipped > 0 {
		all = append(all, fmt.Errorf("%d of %d jobs not run: %w", skipped, n, context.Cause(ctx)))
		rec.Notes = append(rec.Notes, fmt.Sprintf("canceled: %d of %d jobs not run", skipped, n))
	}
	r.resolve(rec, bindWorkers(worker))
	return rec, errors.Join(all...)
}

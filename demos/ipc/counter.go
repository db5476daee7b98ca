package ipc

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"github.com/conclab/conclab/demos"
)

// Where the counter demo keeps its numbers in shared memory.
const (
	slotCount = 0 // the counter
	slotReady = 1 // how many children are ready to start
)

// spinFor is how long a child of CountShared spins waiting for the others
// to be ready, before it polls with sleeps: starting a process takes a few
// milliseconds, so the first child waits about that long.
const spinFor = 200 * time.Millisecond

// incrementJob is what each child of CountShared is given.
type incrementJob struct {
	Mem        *Shared `json:"mem"`
	Procs      int     `json:"procs"`
	Increments int     `json:"increments"`
	Synced     bool    `json:"synced"`
}

// incrementer is the child side of CountShared, registered at package
// level so that children can run it.
var incrementer = demos.FuncT("conclab/ipc.increment", func(t *demos.T, job incrementJob) (int, error) {
	defer job.Mem.Close()
	// Start together: a child that finished before the next one started
	// would never collide with it. The last to arrive starts at once, so
	// the others spin rather than sleep: a sleeping child woke 50 us or
	// more late, by when a short run of increments was over. Spinning is
	// bounded by spinFor; a child still waiting then polls gently.
	t.Phase("wait for the others")
	job.Mem.Add(slotReady, 1)
	spinUntil := time.Now().Add(spinFor)
	for i := 0; job.Mem.AtomicLoad(slotReady) < int64(job.Procs); i++ {
		if i%1024 == 0 {
			if err := t.Context().Err(); err != nil {
				return 0, fmt.Errorf("waiting for the other processes: %w", err)
			}
		}
		runtime.Gosched()
		if i%1024 == 0 && time.Now().After(spinUntil) {
			time.Sleep(50 * time.Microsecond)
		}
	}
	t.Phase("increment")
	for range job.Increments {
		if job.Synced {
			job.Mem.Lock()
			job.Mem.Store(slotCount, job.Mem.Load(slotCount)+1)
			job.Mem.Unlock()
		} else {
			job.Mem.Store(slotCount, job.Mem.Load(slotCount)+1)
		}
	}
	return job.Increments, nil
})

// CountShared has procs child processes each add one to a counter in
// shared memory increments times, all at once, and records the processes
// and the count. Unsynchronized (synced false), each increment is a plain
// read then a plain write, and updates are lost when two processes
// interleave; synced, each increment happens under the shared memory's
// lock and none is lost. Values "expected", "got" and "lost" say how it
// went.
func CountShared(ctx context.Context, procs, increments int, synced bool) (*demos.Recording, error) {
	mem, err := NewShared(2)
	if err != nil {
		return nil, fmt.Errorf("count in shared memory: %w", err)
	}
	defer mem.Remove()
	jobs := make([]incrementJob, max(procs, 1))
	for i := range jobs {
		jobs[i] = incrementJob{Mem: mem, Procs: len(jobs), Increments: increments, Synced: synced}
	}
	_, rec, err := incrementer.Run(ctx, jobs)
	if rec == nil {
		return nil, fmt.Errorf("count in shared memory: %w", err)
	}
	expected, got := int64(len(jobs))*int64(increments), mem.AtomicLoad(slotCount)
	rec.Title = "shared memory counter, unsynchronized"
	if synced {
		rec.Title = "shared memory counter, with a lock"
	}
	rec.Values = map[string]float64{"expected": float64(expected), "got": float64(got), "lost": float64(expected - got)}
	rec.NoteFirst(fmt.Sprintf("%d processes x %d increments: counted %d of %d", len(jobs), increments, got, expected))
	if err != nil {
		return rec, fmt.Errorf("count in shared memory: %w", err)
	}
	return rec, nil
}

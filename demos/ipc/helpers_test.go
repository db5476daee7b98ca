//go:build linux

package ipc_test

import (
	"errors"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/conclab/conclab/demos"
	"github.com/conclab/conclab/demos/ipc"
)

// Functions the tests run in child processes, registered at package level
// as demos.Func requires.
var (
	// echo answers each number on the pipe with its double, until the
	// parent closes its end.
	echo = demos.FuncT("test.echo", func(t *demos.T, p *ipc.Pipe) (int, error) {
		c, err := p.Dial(t.Context())
		if err != nil {
			return 0, err
		}
		defer c.Close()
		n := 0
		for {
			var x int
			if err := c.Recv(&x); errors.Is(err, io.EOF) {
				return n, nil
			} else if err != nil {
				return n, err
			}
			if err := c.Send(2 * x); err != nil {
				return n, err
			}
			n++
		}
	})

	// produce puts its id times 1000 plus 0 to 99 on the queue.
	produce = demos.FuncT("test.produce", func(t *demos.T, job produceJob) (int, error) {
		defer job.Q.Close()
		for i := range 100 {
			if err := job.Q.Put(t.Context(), job.ID*1000+i); err != nil {
				return i, err
			}
		}
		return 100, nil
	})

	// consume takes n values from the queue and returns their sum.
	consume = demos.FuncT("test.consume", func(t *demos.T, job consumeJob) (int, error) {
		defer job.Q.Close()
		sum := 0
		for range job.N {
			v, err := job.Q.Get(t.Context())
			if err != nil {
				return sum, err
			}
			sum += v
		}
		return sum, nil
	})

	// tally counts itself in the manager and adds its job to a list.
	tally = demos.FuncT("test.tally", func(t *demos.T, job tallyJob) (int64, error) {
		defer job.M.Close()
		if _, err := job.M.Append("seen", job.ID); err != nil {
			return 0, err
		}
		return job.M.Add("count", 1)
	})
)

type produceJob struct {
	Q  *ipc.Queue[int] `json:"q"`
	ID int             `json:"id"`
}

type consumeJob struct {
	Q *ipc.Queue[int] `json:"q"`
	N int             `json:"n"`
}

type tallyJob struct {
	M  *ipc.Manager `json:"m"`
	ID int          `json:"id"`
}

// checkGoroutines fails the test if goroutines it started are left.
func checkGoroutines(t *testing.T) func() {
	t.Helper()
	before := runtime.NumGoroutine()
	return func() {
		t.Helper()
		for range 200 {
			if runtime.NumGoroutine() <= before {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
	}
}

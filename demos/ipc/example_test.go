//go:build linux

package ipc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/conclab/conclab/demos"
	"github.com/conclab/conclab/demos/ipc"
)

// Functions the examples run in child processes, registered at package
// level.
var (
	// greeter answers each name sent on the pipe with a greeting.
	greeter = demos.FuncT("example.greeter", func(t *demos.T, p *ipc.Pipe) (int, error) {
		c, err := p.Dial(t.Context())
		if err != nil {
			return 0, err
		}
		defer c.Close()
		n := 0
		for ; ; n++ {
			var name string
			if err := c.Recv(&name); errors.Is(err, io.EOF) {
				return n, nil
			} else if err != nil {
				return n, err
			}
			if err := c.Send("hello, " + name); err != nil {
				return n, err
			}
		}
	})

	// squares puts the squares of 1 to n on the queue.
	squares = demos.FuncT("example.squares", func(t *demos.T, job squaresJob) (int, error) {
		defer job.Q.Close()
		for i := 1; i <= job.N; i++ {
			if err := job.Q.Put(t.Context(), i*i); err != nil {
				return 0, err
			}
		}
		return job.N, nil
	})

	// addUp adds its share to value 0 of the shared memory under its lock.
	addUp = demos.Func("example.addup", func(job addUpJob) int {
		defer job.Mem.Close()
		for range job.Times {
			job.Mem.Lock()
			job.Mem.Store(0, job.Mem.Load(0)+1)
			job.Mem.Unlock()
		}
		return job.Times
	})

	// visit signs the manager's guest book.
	visit = demos.FuncT("example.visit", func(t *demos.T, job visitJob) (int64, error) {
		defer job.M.Close()
		return job.M.Add("visits", 1)
	})
)

type squaresJob struct {
	Q *ipc.Queue[int] `json:"q"`
	N int             `json:"n"`
}

type addUpJob struct {
	Mem   *ipc.Shared `json:"mem"`
	Times int         `json:"times"`
}

type visitJob struct {
	M *ipc.Manager `json:"m"`
}

func ExamplePipe() {
	ctx := context.Background()
	p, err := ipc.NewPipe()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	child, err := greeter.Start(ctx, p) // the child gets the pipe as its argument
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := p.Accept(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range []string{"Ada", "Grace"} {
		c.Send(name)
		var reply string
		c.Recv(&reply)
		fmt.Println(reply)
	}
	c.Close() // the child sees the end of the conversation and returns
	n, err := child.Wait()
	fmt.Println(n, "greetings,", err)
	// Output:
	// hello, Ada
	// hello, Grace
	// 2 greetings, <nil>
}

func ExampleQueue() {
	ctx := context.Background()
	q, err := ipc.NewQueue[int](4)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer q.Close()
	done := make(chan error, 1)
	go func() {
		_, _, err := squares.Run(ctx, []squaresJob{{q, 3}, {q, 4}}) // two producer processes
		done <- err
	}()
	sum := 0
	for range 3 + 4 {
		v, err := q.Get(ctx)
		if err != nil {
			fmt.Println(err)
			return
		}
		sum += v
	}
	fmt.Println(sum, <-done)
	// Output: 44 <nil>
}

func ExampleShared() {
	mem, err := ipc.NewShared(1)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mem.Remove()
	_, rec, err := addUp.Run(context.Background(), []addUpJob{{mem, 10_000}, {mem, 10_000}, {mem, 10_000}})
	fmt.Println(mem.Load(0), len(rec.Lanes()), "processes", err)
	// Output: 30000 3 processes <nil>
}

func ExampleCountShared() {
	rec, err := ipc.CountShared(context.Background(), 2, 50_000, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rec.Title)
	fmt.Println(rec.Notes[0])
	// Output:
	// shared memory counter, with a lock
	// 2 processes x 50000 increments: counted 100000 of 100000
}

func ExampleStartManager() {
	ctx := context.Background()
	m, err := ipc.StartManager(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	jobs := make([]visitJob, 5)
	for i := range jobs {
		jobs[i] = visitJob{m}
	}
	if _, _, err := visit.Pool(ctx, 2, jobs); err != nil {
		fmt.Println(err)
	}
	var visits int
	m.Get("visits", &visits)
	fmt.Println(visits, "visits")
	task, err := m.Shutdown()
	fmt.Println(strings.HasPrefix(task.Lane, "pid "), task.Result, err)
	// Output:
	// 5 visits
	// true 6 calls served <nil>
}

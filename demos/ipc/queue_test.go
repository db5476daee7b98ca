//go:build linux

package ipc_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/conclab/conclab/demos/ipc"
)

func TestQueueAcrossProcesses(t *testing.T) {
	defer checkGoroutines(t)()
	ctx := context.Background()
	q, err := ipc.NewQueue[int](10) // smaller than what is put: producers wait
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	jobs := []produceJob{{q, 1}, {q, 2}, {q, 3}}
	done := make(chan error, 1)
	go func() {
		_, _, err := produce.Run(ctx, jobs)
		done <- err
	}()
	var got []int
	for range 300 {
		v, err := q.Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	var want []int
	for id := 1; id <= 3; id++ {
		for i := range 100 {
			want = append(want, id*1000+i)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %d values, not each produced value once", len(got))
	}
	// And the other way: the parent produces, children consume.
	for i := 1; i <= 10; i++ {
		go q.Put(ctx, i)
	}
	sums, _, err := consume.Run(ctx, []consumeJob{{q, 4}, {q, 6}})
	if err != nil {
		t.Fatal(err)
	}
	if sums[0]+sums[1] != 55 {
		t.Errorf("consumers summed %v, want 55 in all", sums)
	}
}

func TestQueueLocalAndRemoteInOneProcess(t *testing.T) {
	defer checkGoroutines(t)()
	ctx := context.Background()
	q, err := ipc.NewQueue[string](2)
	if err != nil {
		t.Fatal(err)
	}
	remote := &ipc.Queue[string]{Addr: q.Addr} // as a child would have it
	if err := remote.Put(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := q.Put(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if q.Len() != 2 || remote.Len() != 0 {
		t.Errorf("Len = %d here, %d remotely", q.Len(), remote.Len())
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := q.Put(short, "c"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Put on a full queue: %v", err)
	}
	for _, want := range []string{"a", "b"} {
		if got, err := remote.Get(ctx); err != nil || got != want {
			t.Errorf("Get = %q, %v; want %q", got, err, want)
		}
	}
	short2, cancel2 := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel2()
	if v, err := remote.Get(short2); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Get on an empty queue: %q, %v", v, err)
	}
	waiting := make(chan error, 1)
	go func() {
		_, err := remote.Get(ctx)
		waiting <- err
	}()
	time.Sleep(10 * time.Millisecond) // let it wait (either way, Close ends it)
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-waiting; err == nil {
		t.Errorf("a Get waiting when the queue closed: %v", err)
	}
	if err := q.Put(ctx, "late"); !errors.Is(err, ipc.ErrClosed) {
		t.Errorf("Put after Close: %v", err)
	}
	remote.Close()
}

//go:build linux

package ipc_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"testing"

	"github.com/conclab/conclab/demos/ipc"
)

func TestPipeWithChildProcess(t *testing.T) {
	defer checkGoroutines(t)()
	ctx := context.Background()
	p, err := ipc.NewPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	child, err := echo.Start(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Accept(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []int{1, 2, 21} {
		if err := c.Send(x); err != nil {
			t.Fatal(err)
		}
		var got int
		if err := c.Recv(&got); err != nil {
			t.Fatal(err)
		}
		if got != 2*x {
			t.Errorf("child answered %d to %d", got, x)
		}
	}
	c.Close()
	n, err := child.Wait()
	if err != nil || n != 3 {
		t.Errorf("child echoed %d values, %v", n, err)
	}
}

func TestPipeInOneProcess(t *testing.T) {
	defer checkGoroutines(t)()
	ctx := context.Background()
	p, err := ipc.NewPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	type msg struct {
		A int
		B []string
	}
	done := make(chan error, 1)
	go func() {
		c, err := p.Dial(ctx)
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		done <- c.Send(msg{42, []string{"hello", "world"}})
	}()
	c, err := p.Accept(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got msg
	if err := c.Recv(&got); err != nil {
		t.Fatal(err)
	}
	if got.A != 42 || !slices.Equal(got.B, []string{"hello", "world"}) {
		t.Errorf("received %+v", got)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := c.Recv(&got); !errors.Is(err, io.EOF) {
		t.Errorf("Recv after the other end closed: %v", err)
	}
}

func TestPipeAcceptCanceled(t *testing.T) {
	p, err := ipc.NewPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.Accept(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Accept: %v", err)
	}
	other := &ipc.Pipe{Addr: p.Addr}
	if _, err := other.Accept(context.Background()); err == nil {
		t.Error("Accept on a pipe made elsewhere: no error")
	}
	if err := other.Close(); err != nil {
		t.Errorf("Close of a pipe made elsewhere: %v", err)
	}
	if _, err := (&ipc.Pipe{Addr: "/nonexistent/sock"}).Dial(context.Background()); err == nil {
		t.Error("Dial to nothing: no error")
	}
}

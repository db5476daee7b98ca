//go:build linux

package ipc_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/conclab/conclab/demos/ipc"
)

// sentinel is the value FuzzQueueHost puts to see that the queue works.
const sentinel = -424242

// FuzzQueueHost sends arbitrary bytes to a queue's host, as any process
// that can reach its socket could: the host must survive them and keep
// serving a well-behaved client.
func FuzzQueueHost(f *testing.F) {
	f.Add([]byte(`{"op":"put","value":1}` + "\n"))
	f.Add([]byte(`{"op":"get"}` + "\n"))
	f.Add([]byte(`{"op":"explode"}` + "\n" + `{"op":"put","value":[1,2]}`))
	f.Add([]byte(`{"op":"put","value":` + "\n"))
	f.Add([]byte("\x00\xff not json"))
	q, err := ipc.NewQueue[int](1000)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { q.Close() })
	remote := &ipc.Queue[int]{Addr: q.Addr}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := net.Dial("unix", q.Addr)
		if err != nil {
			t.Fatal(err)
		}
		c.Write(data)
		c.SetReadDeadline(time.Now().Add(time.Millisecond))
		c.Read(make([]byte, 512)) // whatever the host answered
		c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := remote.Put(ctx, sentinel); err != nil {
			t.Fatalf("Put after %q: %v", data, err)
		}
		// The bytes may have put values of their own, before or after the
		// sentinel, and of any type: skip them until the sentinel comes.
		for {
			v, err := q.Get(ctx)
			if ctx.Err() != nil {
				t.Fatalf("the sentinel never came back after %q: %v", data, err)
			}
			if err == nil && v == sentinel {
				return
			}
		}
	})
}

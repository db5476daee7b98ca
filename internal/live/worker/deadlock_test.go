package worker

import "testing"

func TestWaitReason(t *testing.T) {
	tests := []struct {
		header string
		want   string
		ok     bool
	}{
		{"goroutine 7 [chan send]:", "chan send", true},
		{"goroutine 7 [chan receive, 2 minutes]:", "chan receive", true},
		{"goroutine 7 [select (no cases)]:", "select (no cases)", true},
		{"goroutine 7 [sync.Mutex.Lock, 12 minutes]:", "sync.Mutex.Lock", true},
		{"goroutine 7 running:", "", false},
	}
	for _, tt := range tests {
		got, ok := waitReason([]byte(tt.header + "\nmain.f()\n"))
		if got != tt.want || ok != tt.ok {
			t.Errorf("waitReason(%q) = %q, %v; want %q, %v", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestWaitsInInterpreter(t *testing.T) {
	const head = "goroutine 9 [select]:\n"
	tests := []struct {
		name  string
		stack string
		want  bool
	}{
		{"interpreted channel operation",
			"runtime.gopark(0x0)\n\t/go/src/runtime/proc.go:1 +0x1\nreflect.rselect(0x0)\n\t/x.go:1\nreflect.Select(0x0)\n\t/x.go:1\ngithub.com/traefik/yaegi/interp.send.func1(0x0)\n\t/x.go:1\n", true},
		{"interpreted WaitGroup.Wait",
			"sync.runtime_SemacquireWaitGroup(0x0)\n\t/x.go:1\nsync.(*WaitGroup).Wait(0x0)\n\t/x.go:1\nreflect.Value.call(0x0)\n\t/x.go:1\ngithub.com/traefik/yaegi/interp.callBin.func1(0x0)\n\t/x.go:1\n", true},
		{"waiting inside a compiled package, which may hold a timer",
			"runtime.gopark(0x0)\n\t/x.go:1\ngolang.org/x/sync/errgroup.(*Group).Wait(0x0)\n\t/x.go:1\ngithub.com/traefik/yaegi/interp.callBin.func1(0x0)\n\t/x.go:1\n", false},
		{"no interpreter at all", "runtime.gopark(0x0)\n\t/x.go:1\n", false},
	}
	for _, tt := range tests {
		if got := waitsInInterpreter([]byte(head + tt.stack)); got != tt.want {
			t.Errorf("%s: waitsInInterpreter = %v, want %v", tt.name, got, tt.want)
		}
	}
}

package memlimit

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary be the process a tree limits: with
// MEMLIMIT_TEST_ALLOC=N it holds N MiB, in a child of its own when
// MEMLIMIT_TEST_CHILD is set, and waits to be killed.
func TestMain(m *testing.M) {
	if n, err := strconv.Atoi(os.Getenv("MEMLIMIT_TEST_ALLOC")); err == nil {
		if os.Getenv("MEMLIMIT_TEST_CHILD") != "" {
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), "MEMLIMIT_TEST_CHILD=")
			_ = cmd.Run()
			os.Exit(3)
		}
		var keep [][]byte
		for range n {
			b := make([]byte, 1<<20)
			for i := range b {
				b[i] = 1
			}
			keep = append(keep, b)
			time.Sleep(time.Millisecond)
		}
		time.Sleep(time.Minute)
		runtime.KeepAlive(keep)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestTreeOnFakeProc(t *testing.T) {
	const leader, child = fakePid + 1, fakePid + 2
	tests := []struct {
		name     string
		childKB  int64
		wantOver bool
	}{
		{"under the limit", 50 << 10, false},
		{"a child over the limit", 300 << 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeProc(t)
			f.add(leader, 1, leader, 1, 100, 10<<10, "cell", child)
			f.add(child, leader, leader, 1, 101, tt.childKB, "python3")
			l, err := New(Options{Limit: 256 << 20, Mechanism: Poll, Interval: time.Millisecond, Backstop: -1, proc: f.root})
			if err != nil {
				t.Fatal(err)
			}
			tree := l.Start(leader)
			defer tree.Close()
			select {
			case <-tree.Over():
			case <-time.After(500 * time.Millisecond):
			}
			b := tree.Breach()
			if (b != nil) != tt.wantOver {
				t.Fatalf("breach %v, want one: %v", b, tt.wantOver)
			}
			if b == nil {
				return
			}
			msg := b.Error()
			for _, want := range []string{"python3", "limit of 256 MB", "310 MB", "CONCLAB_MAX_MEMORY"} {
				if !strings.Contains(msg, want) {
					t.Errorf("%q does not say %q", msg, want)
				}
			}
		})
	}
}

// mechanisms are the limiters this machine allows: polling always, a
// cgroup where the test may make one.
func mechanisms(t *testing.T, limit int64) map[string]*Limiter {
	out := map[string]*Limiter{}
	for _, mech := range []string{Poll, Cgroup} {
		l, err := New(Options{Limit: limit, Mechanism: mech})
		if err != nil {
			t.Logf("%s: %v", mech, err)
			continue
		}
		out[mech] = l
	}
	return out
}

func TestTreeStopsRealProcesses(t *testing.T) {
	tests := []struct {
		name     string
		allocMB  int
		child    bool
		wantOver bool
	}{
		{"leader under the limit", 16, false, false},
		{"leader over the limit", 256, false, true},
		{"child over the limit", 256, true, true},
	}
	for mech, l := range mechanisms(t, 96<<20) {
		t.Logf("%s: %s", mech, l.Mechanism())
		for _, tt := range tests {
			t.Run(mech+"/"+tt.name, func(t *testing.T) {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), "MEMLIMIT_TEST_ALLOC="+strconv.Itoa(tt.allocMB))
				if tt.child {
					cmd.Env = append(cmd.Env, "MEMLIMIT_TEST_CHILD=1")
				}
				cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- cmd.Wait() }()
				tree := l.Start(cmd.Process.Pid)
				wait := 2 * time.Second // the small allocation is long done by then
				if tt.wantOver {
					wait = time.Minute // a generous bound for a busy machine
				}
				select {
				case <-tree.Over():
				case <-time.After(wait):
				}
				b := tree.Breach()
				tree.Close()
				select {
				case <-done:
				case <-time.After(10 * time.Second):
					t.Fatal("Close left the leader running")
				}
				if (b != nil) != tt.wantOver {
					t.Fatalf("breach %v, want one: %v", b, tt.wantOver)
				}
				if b != nil && !strings.Contains(b.Error(), "limit of 96 MB") {
					t.Errorf("breach says %q", b.Error())
				}
			})
		}
	}
}

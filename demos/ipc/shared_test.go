//go:build linux

package ipc_test

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/conclab/conclab/demos/ipc"
)

func TestCountSharedLosesUpdatesWithoutLock(t *testing.T) {
	defer checkGoroutines(t)()
	if runtime.NumCPU() < 2 {
		t.Skip("lost updates between processes need two cores")
	}
	rec, err := ipc.CountShared(context.Background(), 2, 5_000_000, false)
	if err != nil {
		t.Fatal(err)
	}
	v := rec.Values
	if v["expected"] != 10_000_000 || v["got"]+v["lost"] != v["expected"] {
		t.Fatalf("values %v", v)
	}
	if v["lost"] <= 0 {
		t.Errorf("no update lost without the lock: %v", v)
	}
	if len(rec.Tasks) != 2 || rec.Tasks[0].PID == rec.Tasks[1].PID {
		t.Errorf("tasks %v", rec.Tasks)
	}
}

func TestCountSharedWithLockIsExact(t *testing.T) {
	defer checkGoroutines(t)()
	rec, err := ipc.CountShared(context.Background(), 3, 100_000, true)
	if err != nil {
		t.Fatal(err)
	}
	if v := rec.Values; v["lost"] != 0 || v["got"] != 300_000 {
		t.Errorf("values %v", v)
	}
	var names []string
	for _, p := range rec.Tasks[0].Phases {
		names = append(names, p.Name)
	}
	if want := []string{"spawn", "wait for the others", "increment"}; !slices.Equal(names, want) {
		t.Errorf("phases %v, want %v", names, want)
	}
}

func TestSharedInOneProcess(t *testing.T) {
	s, err := ipc.NewShared(3)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Remove()
	s.Store(0, 7)
	if s.Add(0, 5) != 12 || s.Load(0) != 12 || s.AtomicLoad(0) != 12 || s.Len() != 3 {
		t.Errorf("value %d, len %d", s.Load(0), s.Len())
	}
	// A second mapping, as another process would get it from JSON.
	b, err := s.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var other ipc.Shared
	if err := other.UnmarshalJSON(b); err != nil {
		t.Fatal(err)
	}
	other.Store(2, 99)
	if s.Load(2) != 99 {
		t.Error("a write through one mapping is not seen through the other")
	}
	other.Lock()
	locked, unlocked := make(chan struct{}), make(chan struct{})
	go func() {
		s.Lock()
		close(locked)
		s.Unlock()
		close(unlocked)
	}()
	select {
	case <-locked:
		t.Error("Lock succeeded while the lock was held")
	case <-time.After(20 * time.Millisecond):
	}
	other.Unlock()
	<-locked
	<-unlocked
	if err := other.Remove(); err == nil {
		t.Error("Remove by a non-owner: no error")
	}
	if err := other.Close(); err != nil {
		t.Error(err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("no panic for an index out of range")
			}
		}()
		s.Load(3)
	}()
}

func TestOpenSharedErrors(t *testing.T) {
	s, err := ipc.NewShared(1)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Remove()
	tests := []struct {
		path string
		n    int
	}{{"/nonexistent/shm", 1}, {s.Path(), 2}, {s.Path(), 0}}
	for _, tt := range tests {
		if _, err := ipc.OpenShared(tt.path, tt.n); err == nil {
			t.Errorf("OpenShared(%q, %d): no error", tt.path, tt.n)
		}
	}
	if _, err := ipc.NewShared(0); err == nil {
		t.Error("NewShared(0): no error")
	}
	var bad ipc.Shared
	if err := bad.UnmarshalJSON([]byte(`{"path": 3}`)); err == nil {
		t.Error("UnmarshalJSON of garbage: no error")
	}
}

//go:build linux

package ipc_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/conclab/conclab/demos/ipc"
)

func TestManager(t *testing.T) {
	defer checkGoroutines(t)()
	ctx := context.Background()
	m, err := ipc.StartManager(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if m.PID() == 0 {
		t.Error("no server pid")
	}
	if err := m.Set("greeting", map[string]string{"hello": "world"}); err != nil {
		t.Fatal(err)
	}
	var g map[string]string
	if ok, err := m.Get("greeting", &g); !ok || err != nil || g["hello"] != "world" {
		t.Errorf("Get = %v, %v, %v", g, ok, err)
	}
	var none int
	if ok, err := m.Get("absent", &none); ok || err != nil {
		t.Errorf("Get of an absent key: %v, %v", ok, err)
	}
	if _, err := m.Add("greeting", 1); err == nil || !strings.Contains(err.Error(), "not an integer") {
		t.Errorf("Add to a map: %v", err)
	}
	jobs := make([]tallyJob, 12)
	for i := range jobs {
		jobs[i] = tallyJob{M: m, ID: i}
	}
	if _, _, err := tally.Pool(ctx, 3, jobs); err != nil {
		t.Fatal(err)
	}
	var count int64
	var seen []int
	if _, err := m.Get("count", &count); err != nil || count != 12 {
		t.Errorf("count = %d, %v; want 12", count, err)
	}
	if _, err := m.Get("seen", &seen); err != nil {
		t.Fatal(err)
	}
	slices.Sort(seen)
	if len(seen) != 12 || seen[0] != 0 || seen[11] != 11 {
		t.Errorf("seen %v", seen)
	}
	keys, err := m.Keys()
	if err != nil || !slices.Equal(keys, []string{"count", "greeting", "seen"}) {
		t.Errorf("Keys = %v, %v", keys, err)
	}
	task, err := m.Shutdown()
	if err != nil {
		t.Fatal(err)
	}
	if task.PID != m.PID() || !strings.HasSuffix(task.Result, "calls served") {
		t.Errorf("server task %+v", task)
	}
	if err := m.Set("late", 1); err == nil {
		t.Error("Set after Shutdown: no error")
	}
}

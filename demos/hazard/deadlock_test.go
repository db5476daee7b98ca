package hazard

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/conclab/conclab/demos"
)

func TestDeadlockIsFoundAndBroken(t *testing.T) {
	defer checkGoroutines(t)()
	rec := Deadlock(context.Background(), DeadlockConfig{Timeout: 50 * time.Millisecond})
	if rec.Values["deadlocked"] != 1 {
		t.Fatalf("no deadlock found: %v", rec)
	}
	if len(rec.Notes) < 1 {
		t.Fatalf("no notes")
	}
	note := rec.Notes[0]
	for _, want := range []string{"g0 holds lock 1 and waits for lock 2, held by g1", "g1 holds lock 2 and waits for lock 1, held by g0"} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q lacks %q", note, want)
		}
	}
	if len(rec.Notes) != 2 || rec.Notes[1] != "the watchdog broke it by making g1 give up waiting for lock 1" {
		t.Errorf("notes %q", rec.Notes)
	}
	phaseNames := func(task demos.Task) []string {
		var names []string
		for _, p := range task.Phases {
			names = append(names, p.Name)
		}
		return names
	}
	survivor, victim := rec.Tasks[0], rec.Tasks[1]
	if survivor.Err != "" || survivor.Result != "done" {
		t.Errorf("g0: result %q error %q, want done", survivor.Result, survivor.Err)
	}
	if want := []string{"wait lock", "hold lock", "wait lock", "hold lock"}; !slices.Equal(phaseNames(survivor), want) {
		t.Errorf("g0 phases %v, want %v", phaseNames(survivor), want)
	}
	if want := "gave up waiting for lock 1 (held by g0): deadlock"; victim.Err != want {
		t.Errorf("g1 error %q, want %q", victim.Err, want)
	}
	if len(victim.Marks) != 2 || victim.Marks[0].Name != "got lock 2" || victim.Marks[1].Name != "gave up lock 1" {
		t.Errorf("g1 marks %v", victim.Marks)
	}
	if want := []string{"wait lock", "hold lock", "wait lock"}; !slices.Equal(phaseNames(victim), want) {
		t.Errorf("g1 phases %v, want %v", phaseNames(victim), want)
	}
}

func TestDeadlockAvoidedByOrder(t *testing.T) {
	defer checkGoroutines(t)()
	rec := Deadlock(context.Background(), DeadlockConfig{Ordered: true, Timeout: 20 * time.Millisecond, Hold: 30 * time.Millisecond})
	if rec.Values["deadlocked"] != 0 {
		t.Errorf("deadlock with ordered locks: %v", rec.Notes)
	}
	for _, task := range rec.Tasks {
		if task.Err != "" || task.Result != "done" {
			t.Errorf("task %d: result %q error %q", task.ID, task.Result, task.Err)
		}
	}
}

func TestDeadlockCanceled(t *testing.T) {
	defer checkGoroutines(t)()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(10 * time.Millisecond)
		cancel()
	}()
	rec := Deadlock(ctx, DeadlockConfig{Timeout: time.Hour})
	if rec.Values["deadlocked"] != 0 {
		t.Errorf("canceled run reports a deadlock found: %v", rec.Values)
	}
	for _, task := range rec.Tasks {
		if !strings.Contains(task.Err, "canceled") {
			t.Errorf("task %d error %q", task.ID, task.Err)
		}
	}
}

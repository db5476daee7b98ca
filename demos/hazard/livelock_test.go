package hazard

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestLivelockNeverProgresses(t *testing.T) {
	defer checkGoroutines(t)()
	rec := Livelock(context.Background(), LivelockConfig{Rounds: 8, Step: time.Millisecond})
	if rec.Values["finished"] != 0 || rec.Values["rounds"] != 8 {
		t.Fatalf("values %v", rec.Values)
	}
	for _, task := range rec.Tasks {
		if !strings.Contains(task.Err, "gave up after 8 tries") {
			t.Errorf("task %d error %q", task.ID, task.Err)
		}
		retries := 0
		for _, m := range task.Marks {
			if m.Name == "retry" {
				retries++
			}
		}
		if retries != 8 {
			t.Errorf("task %d retried %d times, want 8", task.ID, retries)
		}
	}
	if len(rec.Notes) != 1 || !strings.Contains(rec.Notes[0], "livelock") {
		t.Errorf("notes %q", rec.Notes)
	}
}

func TestLivelockBrokenByBackoff(t *testing.T) {
	defer checkGoroutines(t)()
	rec := Livelock(context.Background(), LivelockConfig{Rounds: 60, Step: time.Millisecond, Backoff: true, Seed: 7})
	if rec.Values["finished"] != 2 {
		t.Errorf("with backoff %v workers finished, want 2: %v", rec.Values["finished"], rec.Failed())
	}
	for _, task := range rec.Tasks {
		if !strings.HasPrefix(task.Result, "done after") {
			t.Errorf("task %d result %q", task.ID, task.Result)
		}
	}
}

func TestLivelockCanceled(t *testing.T) {
	defer checkGoroutines(t)()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := Livelock(ctx, LivelockConfig{Rounds: 1000})
	for _, task := range rec.Tasks {
		if !strings.Contains(task.Err, "canceled") {
			t.Errorf("task %d error %q", task.ID, task.Err)
		}
	}
}

package demos_test

import (
	"context"
	"testing"

	"github.com/conclab/conclab/demos"
)

func TestRecorderProducerConsumer(t *testing.T) {
	defer checkGoroutines(t)()
	r := demos.NewRecorder(context.Background(), "producer/consumer")
	ch := make(chan int)
	r.Go("producer", func(t *demos.T) {
		for i := range 3 {
			t.Phase("send")
			ch <- i
			t.Mark("sent")
		}
		close(ch)
	})
	r.Go("consumer", func(t *demos.T) {
		sum := 0
		for {
			t.Phase("receive")
			v, ok := <-ch
			if !ok {
				break
			}
			sum += v
		}
		t.SetResult(sum)
	})
	r.Wait()
	rec := r.Recording()
	if rec.Kind != demos.KindRecorder || rec.Title != "producer/consumer" || len(rec.Tasks) != 2 {
		t.Fatalf("kind %q title %q tasks %d", rec.Kind, rec.Title, len(rec.Tasks))
	}
	byLane := map[string]demos.Task{}
	for _, task := range rec.Tasks {
		byLane[task.Lane] = task
	}
	if got := byLane["consumer"].Result; got != "3" {
		t.Errorf("consumer result %q, want 3", got)
	}
	if got := len(byLane["producer"].Marks); got != 3 {
		t.Errorf("producer has %d marks, want 3", got)
	}
	if ids := rec.Tasks[0].ID + rec.Tasks[1].ID; ids != 1 {
		t.Errorf("ids %d and %d, want 0 and 1", rec.Tasks[0].ID, rec.Tasks[1].ID)
	}
}

func TestRecorderStartEndAndSnapshot(t *testing.T) {
	r := demos.NewRecorder(context.Background(), "manual")
	done := r.Start("main")
	done.Phase("work")
	done.End()
	done.End() // harmless
	open := r.Start("main")
	open.Phase("still working")
	rec := r.Recording()
	if len(rec.Tasks) != 2 {
		t.Fatalf("%d tasks", len(rec.Tasks))
	}
	if rec.Tasks[0].Err != "" || len(rec.Tasks[0].Phases) != 1 {
		t.Errorf("ended task: %+v", rec.Tasks[0])
	}
	if got := rec.Tasks[1]; got.Err != "still running" || got.Phases != nil || got.End != rec.Wall {
		t.Errorf("running task: %+v (wall %v)", got, rec.Wall)
	}
	open.End()
	if rec := r.Recording(); rec.Tasks[1].Err != "" || len(rec.Tasks[1].Phases) != 1 {
		t.Errorf("task after End: %+v", rec.Tasks[1])
	}
}

func TestRecorderPanicAndEndOfRunnerTasks(t *testing.T) {
	r := demos.NewRecorder(context.Background(), "panics")
	r.Go("g", func(t *demos.T) { panic("oops") })
	r.Wait()
	if got := r.Recording().Tasks[0].Err; got != "panic: oops" {
		t.Errorf("Err = %q", got)
	}
	rec := demos.Serial(1, func(t *demos.T) {
		t.End() // a runner's task: End must not end it early
		t.Phase("after")
	})
	if len(rec.Tasks[0].Phases) != 1 || rec.Tasks[0].Phases[0].End != rec.Tasks[0].End {
		t.Errorf("End ended a runner's task: %+v", rec.Tasks[0])
	}
}

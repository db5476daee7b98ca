package demos

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"
)

// A T is the handle a task uses to tell the recording what it is doing:
// which phase it is in, which instants are worth marking, and what it
// produced. Runners pass one to every task they run.
//
// A T belongs to its task's goroutine: its methods are cheap because they
// take no lock, so they must not be called from other goroutines.
type T struct {
	run  *run
	task *Task
	ctx  context.Context
	open int   // 1 + index of the open phase in task.Phases; 0 when none is open
	slot *slot // the recorder slot holding the task, for Recorder tasks only
}

// ID is the task's number in its run: the index of the goroutine, the job
// or the argument.
func (t *T) ID() int { return t.task.ID }

// Lane is what runs the task: "g3", "worker 2", "pid 4121".
func (t *T) Lane() string { return t.task.Lane }

// Context is canceled when the run is: when the pool's context ends, or,
// in a child process, when the parent gives up on it. Runners without a
// context give context.Background.
func (t *T) Context() context.Context {
	if t.ctx == nil {
		return context.Background()
	}
	return t.ctx
}

// Now is the time since the run's start, the clock all of a recording's
// times are read from.
func (t *T) Now() time.Duration { return t.run.now() }

// Phase ends the open phase, if any, and starts one named name. Phases run
// one after another until the next Phase, EndPhase or the end of the task.
func (t *T) Phase(name string) {
	now := t.run.now()
	t.closePhase(now)
	if t.task.Phases == nil {
		t.task.Phases = make([]Phase, 0, firstRoom) // skip the smallest growth steps
	}
	t.task.Phases = append(t.task.Phases, Phase{Name: name, Start: now, End: now})
	t.open = len(t.task.Phases)
}

// EndPhase ends the open phase without starting another one.
func (t *T) EndPhase() { t.closePhase(t.run.now()) }

// Mark records that something worth pointing at happened now.
func (t *T) Mark(name string) {
	if t.task.Marks == nil {
		t.task.Marks = make([]Mark, 0, firstRoom)
	}
	t.task.Marks = append(t.task.Marks, Mark{Name: name, At: t.run.now()})
}

// firstRoom is how many phases or marks a task has room for at first.
const firstRoom = 4

// SetResult records the task's result, as fmt.Sprint prints it, shortened
// if very long (a factorial of 300,000 digits is kept as its first digits
// and its length).
func (t *T) SetResult(v any) { t.task.Result = resultText(v) }

// maxResult is the longest result text a task keeps whole.
const maxResult = 200

// resultText prints v for Task.Result, cutting long texts to their start
// and their length in characters.
func resultText(v any) string {
	s := fmt.Sprint(v)
	if len(s) <= maxResult {
		return s
	}
	n := utf8.RuneCountInString(s)
	cut := 0
	for i := range s {
		if i > maxResult-40 {
			break
		}
		cut = i
	}
	return fmt.Sprintf("%s... (%d characters)", s[:cut], n)
}

// Fail records that the task failed with err; a nil err clears the failure.
func (t *T) Fail(err error) {
	if err == nil {
		t.task.Err = ""
		return
	}
	t.task.Err = err.Error()
}

// closePhase ends the open phase at now.
func (t *T) closePhase(now time.Duration) {
	if t.open > 0 {
		t.task.Phases[t.open-1].End = now
		t.open = 0
	}
}

// end closes the open phase and stamps the task's end.
func (t *T) end() {
	now := t.run.now()
	t.closePhase(now)
	t.task.End = now
}

// exec runs fn as the task, whose start the runner has stamped, and stamps
// its end. A panic in fn is recorded as the task's error instead of ending
// the program, as a notebook reader would expect of a failed worker.
func (t *T) exec(fn func(t *T)) {
	defer t.end()
	defer t.recoverPanic()
	fn(t)
}

// recoverPanic turns a panic in the task into its error. It must be called
// directly by a deferred call.
func (t *T) recoverPanic() {
	if v := recover(); v != nil {
		t.task.Err = fmt.Sprintf("panic: %v", v)
	}
}

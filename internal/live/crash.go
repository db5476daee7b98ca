package live

import (
	"regexp"
	"strings"
	"sync"

	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/procgroup"
)

// restartedNote ends every report of a worker that went away.
const restartedNote = "live session restarted: variables are gone"

// tailBuffer keeps the last bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

// Reset forgets what was written, at the start of a cell.
func (t *tailBuffer) Reset() {
	t.mu.Lock()
	t.b = t.b[:0]
	t.mu.Unlock()
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// recovered matches the note the runtime adds to a panic that was recovered
// and raised again, as yaegi does for every interpreted goroutine.
var recovered = regexp.MustCompile(` \[recovered[^\]]*\]$`)

// crashCause finds why a worker ended in what it last wrote on stderr and
// in its exit status: the name and the one-line value of the error.
func crashCause(waitErr error, stderr string) (name, value string) {
	lines := strings.Split(stderr, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(l, "panic: "):
			return "panic", recovered.ReplaceAllString(strings.TrimPrefix(l, "panic: "), "")
		case strings.HasPrefix(l, "fatal error: "):
			return "fatal error", strings.TrimPrefix(l, "fatal error: ")
		}
	}
	return "WorkerExited", "the live worker " + procgroup.Status(waitErr)
}

// exitText describes how a process ended, with the start of what it wrote
// on stderr when there is any.
func exitText(waitErr error, stderr string) string {
	text := "the live worker " + procgroup.Status(waitErr)
	if s := strings.TrimSpace(stderr); s != "" {
		line, _, _ := strings.Cut(s, "\n")
		text += ": " + line
	}
	return text
}

// crashError is what a cell shows when the worker died under it.
func crashError(waitErr error, stderr string, restartErr error) *engine.Error {
	name, value := crashCause(waitErr, stderr)
	// The kernel shows "name: value" above the traceback.
	var tb []string
	switch name {
	case "panic":
		tb = []string{"A panic in a goroutine other than the cell's ends the live worker."}
	case "fatal error":
	default:
		tb = []string{"A cell's os.Exit or log.Fatal, or a signal, ends the live worker."}
	}
	if restartErr != nil {
		tb = append(tb, "the live session could not restart: "+restartErr.Error())
	} else {
		tb = append(tb, restartedNote)
	}
	return &engine.Error{Name: name, Value: value, Traceback: tb}
}

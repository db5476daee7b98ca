package kernel

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/conclab/conclab/internal/display"
	"github.com/conclab/conclab/internal/memlimit"
)

// displayBudget caps the bytes of displays one cell adds to the notebook,
// as the compiled engine caps its stdout and stderr (CONCLAB_MAX_OUTPUT,
// 5 MB by default; each has its own budget, so a flood of text does not
// cost the plots). A display is delivered whole or not at all: a plot cut
// in half is no plot. Once one does not fit, it and every later display of
// the cell are dropped, and the user is told once.
type displayBudget struct {
	mu    sync.Mutex
	limit int
	left  int
	full  bool // a display did not fit: the rest are dropped
}

func newDisplayBudget(limit int) *displayBudget {
	return &displayBudget{limit: limit, left: limit}
}

// take reports whether d may be published and, the first time one may not,
// the notice to show in its place. A new display counts against the
// budget; an update replaces what the notebook holds, so it passes unless
// it alone is larger than the whole budget.
func (b *displayBudget) take(d display.Data) (ok bool, notice string) {
	size := displaySize(d)
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case d.Update && size <= b.limit:
		return true, ""
	case !d.Update && !b.full && size <= b.left:
		b.left -= size
		return true, ""
	}
	first := !b.full
	b.full = true
	if !first {
		return false, ""
	}
	return false, fmt.Sprintf("\nconclab: displays cut at %s (a display of %s did not fit); the program goes on, its further displays are dropped (CONCLAB_MAX_OUTPUT sets the limit)\n",
		memlimit.Size(int64(b.limit)), memlimit.Size(int64(size)))
}

// displaySize is about the bytes d takes in a notebook: the length of each
// MIME bundle entry as JSON would carry it (strings by their length).
func displaySize(d display.Data) int {
	n := 0
	for mime, v := range d.Data {
		n += len(mime)
		if s, ok := v.(string); ok {
			n += len(s)
			continue
		}
		if b, err := json.Marshal(v); err == nil {
			n += len(b)
		}
	}
	return n
}

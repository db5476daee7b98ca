package demos

import (
	"encoding/json"
	"time"
)

// Parent and child talk over two pipes the child inherits as file
// descriptors 3 (jobs in) and 4 (replies out), one JSON object per line, so
// that the child's stdin, stdout and stderr stay free for the user's code.
// The parent closing the jobs pipe means "no more work": a child that is
// idle exits, and a child that is busy sees its task's context canceled.
const (
	jobsFD    = 3
	repliesFD = 4

	// envFunc names the registered function a child process runs.
	envFunc = "CONCLAB_DEMOS_FUNC"
	// envDepth counts how many parents a child has, to stop runaway
	// re-execution.
	envDepth = "CONCLAB_DEMOS_DEPTH"
	// maxDepth bounds nesting: a child may start children, and so on,
	// this many levels deep.
	maxDepth = 4
)

// A request asks a child to run its function once.
type request struct {
	ID  int             `json:"id"`
	Arg json.RawMessage `json:"arg"`
}

// A reply is what a child reports about one request. Times are on the
// child's clock: its start as wall-clock nanoseconds (which both processes
// share) and the rest as offsets from it.
type reply struct {
	ID        int             `json:"id"`
	StartUnix int64           `json:"start_unix_ns"`
	End       time.Duration   `json:"end_ns"`
	Phases    []Phase         `json:"phases,omitempty"`
	Marks     []Mark          `json:"marks,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Err       string          `json:"error,omitempty"`
	CPU       time.Duration   `json:"cpu_ns,omitempty"`
	MaxRSS    int64           `json:"max_rss_bytes,omitempty"`
	Fatal     string          `json:"fatal,omitempty"` // the child cannot serve at all
}

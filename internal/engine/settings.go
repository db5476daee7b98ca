package engine

import "time"

// Settings are the per-session and per-cell choices magics make. An engine
// uses those it can honour: the live engine, whose cells run in a session
// that outlives them, ignores them.
type Settings struct {
	GoFlags    []string      // extra `go build` flags (%goflags), e.g. -race
	Env        []string      // extra KEY=VALUE for the program (%env)
	Args       []string      // os.Args[1:] of the program (%args)
	GOMAXPROCS int           // >0: run with this GOMAXPROCS
	Timeout    time.Duration // >0: stop the program after this long
	Time       bool          // report wall, CPU and memory after the run (%time)
	Trace      bool          // record an execution trace, show the scheduler view (%trace)
	TraceTitle string        // the scheduler view's title; "" for the default
	Test       *Test         // non-nil: run the notebook's tests, as go test does (%test)
}

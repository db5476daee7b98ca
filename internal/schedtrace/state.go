package schedtrace

import (
	"strings"

	"golang.org/x/exp/trace"
)

// A State is what a goroutine was doing at some moment: running, waiting
// for a P, or blocked for a reason. On a P's lane it says what the P ran
// (Running for the program's code, Syscall, GC, Runtime).
type State uint8

// The states, in the order summaries list them.
const (
	Running  State = iota // executing Go code on a P
	Runnable              // ready, waiting for a P
	Chan                  // blocked sending or receiving on a channel
	Select                // blocked in a select
	Sync                  // blocked on a sync.Mutex, RWMutex, WaitGroup, Cond or semaphore
	Syscall               // in a system call, or waiting for network I/O
	Sleep                 // in time.Sleep
	GC                    // waiting for the garbage collector; on a P: a GC worker ran
	Other                 // blocked for another reason (select{}, a nil channel, ...)
	Assist                // running on a P, helping the garbage collector (a mark assist)
	Runtime               // on a P only: a goroutine of the runtime ran
	numStates
)

var stateNames = [numStates]string{
	Running: "running", Runnable: "runnable", Chan: "chan", Select: "select", Sync: "sync",
	Syscall: "syscall", Sleep: "sleep", GC: "GC", Other: "other", Assist: "GC assist", Runtime: "runtime",
}

// String is the state's short name, the one plots.SchedView uses: "running",
// "runnable", "chan", "select", "sync", "syscall", "sleep", "GC", "other",
// "GC assist", "runtime".
func (s State) String() string {
	if s < numStates {
		return stateNames[s]
	}
	return "unknown"
}

// OnCPU reports whether the state is a goroutine on a P: running its own
// code or helping the garbage collector.
func (s State) OnCPU() bool { return s == Running || s == Assist }

// Blocked reports whether the state is a goroutine waiting for something
// other than a P.
func (s State) Blocked() bool { return s >= Chan && s <= Other }

// reasonState maps the reason a goroutine blocked, as the runtime writes it
// in the trace ("chan receive", "sync", "sleep", ...), to a State.
func reasonState(reason string) State {
	switch {
	case reason == "chan send", reason == "chan receive":
		return Chan
	case reason == "select":
		return Select
	case reason == "sync", strings.HasPrefix(reason, "sync."):
		return Sync
	case reason == "sleep":
		return Sleep
	case reason == "network":
		return Syscall
	case strings.HasPrefix(reason, "GC "), strings.Contains(reason, "until GC"):
		return GC
	}
	return Other // "forever" (select{} and nil channels), "unspecified", "synctest", ...
}

// stackState guesses why a goroutine found waiting when the trace began is
// blocked, from the functions on its stack, innermost first: the trace gives
// a reason only for blocks it saw happen.
func stackState(funcs []string) State {
	for _, f := range funcs {
		switch {
		case strings.HasPrefix(f, "runtime.chanrecv"), strings.HasPrefix(f, "runtime.chansend"):
			return Chan
		case f == "runtime.selectgo":
			return Select
		case strings.HasPrefix(f, "sync."), strings.HasPrefix(f, "internal/sync."),
			strings.HasPrefix(f, "runtime.semacquire"), f == "runtime.notifyListWait":
			return Sync
		case f == "time.Sleep":
			return Sleep
		case f == "runtime.netpollblock", strings.HasPrefix(f, "internal/poll."):
			return Syscall
		}
	}
	return Other
}

// waitsForGC reports whether a goroutine that blocked with the stack s was
// waiting for the garbage collector: parked inside one of the runtime's GC
// functions (runtime.gcStart waiting for a collection another goroutine
// starts, runtime.gcMarkDone at the end of marking, ...), which wait on
// semaphores the trace calls "sync" like a Mutex's.
func waitsForGC(s trace.Stack) bool {
	return strings.HasPrefix(firstFunc(s), "runtime.gc")
}

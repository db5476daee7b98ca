package demos

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// A Proc is a function that can run in child processes, made by Func or
// FuncT. Its argument and result cross between processes as JSON, so A
// and R must be types encoding/json round-trips (numbers, strings, slices,
// maps, structs with exported fields, *big.Int, ...).
type Proc[A, R any] struct {
	name string
	err  error // why the function cannot run in children, if it cannot
}

// Func registers fn under name so that child processes can run it, and
// returns the handle whose Run, Pool and Start methods do so.
//
// Children are this very program started again (os.Executable) with name
// in the environment; they do not run main. Instead, when package
// initialization reaches the Func call for name, the child runs fn for the
// arguments its parent sends and exits. That is why Func must be called at
// package level, in a var declaration:
//
//	var square = demos.Func("square", func(x int) int { return x * x })
//
// No if-guard in main is needed. Called anywhere else (inside main, in a
// function, from an interpreter), Func returns a Proc whose runs fail with
// a clear error, instead of starting children that could not find fn. The
// same goes for a name registered twice. fn may use everything its package
// initializes before the declaration, as for any package-level variable,
// but init functions have not run yet in the child.
func Func[A, R any](name string, fn func(A) R) *Proc[A, R] {
	return FuncT(name, func(_ *T, a A) (R, error) { return fn(a), nil })
}

// FuncT is Func for functions that record phases and marks through their
// T, watch T.Context for cancellation, or fail. The child's phases and
// marks appear in the parent's recording, on the parent's clock; a
// returned error or a panic fails the task.
func FuncT[A, R any](name string, fn func(t *T, arg A) (R, error)) *Proc[A, R] {
	h := func(t *T, arg json.RawMessage) (json.RawMessage, error) {
		var a A
		if err := json.Unmarshal(arg, &a); err != nil {
			return nil, fmt.Errorf("decode argument for %q: %w", name, err)
		}
		res, err := fn(t, a)
		if err != nil {
			return nil, err
		}
		out, err := json.Marshal(res)
		if err != nil {
			return nil, fmt.Errorf("encode result of %q: %w", name, err)
		}
		return out, nil
	}
	return &Proc[A, R]{name: name, err: funcs.register(name, h, duringInit())}
}

// Name is the name the function was registered under.
func (p *Proc[A, R]) Name() string { return p.name }

// Err says why the function cannot run in child processes, or is nil.
func (p *Proc[A, R]) Err() error { return p.err }

// A handler runs a registered function on an encoded argument.
type handler func(t *T, arg json.RawMessage) (json.RawMessage, error)

// errNotAtPackageLevel explains the one rule of Func.
var errNotAtPackageLevel = errors.New("it must be called at package level (var f = demos.Func(...)): " +
	"child processes run only package initialization, so a function registered later, " +
	"inside main or another function or by an interpreter, cannot be found in them")

// A registry holds the functions registered for child processes, and the
// role of this process: parent, or child serving one of them.
type registry struct {
	mu    sync.Mutex
	funcs map[string]handler

	child   string // the function this process was started to run; "" in a parent
	serving bool   // the child has found its function and is running it
	depth   int    // how many parents this process has
}

// funcs is the process's registry. It is package state by necessity: a
// child process identifies its function by name, before main runs.
var funcs = newRegistry(os.Getenv(envFunc), os.Getenv(envDepth))

// newRegistry makes the registry of a process started with the given
// environment values.
func newRegistry(child, depth string) *registry {
	d, _ := strconv.Atoi(depth) // absent or malformed: a top-level process
	return &registry{funcs: map[string]handler{}, child: child, depth: max(d, 0)}
}

// register records h under name; atInit says whether the call comes from
// package initialization. In the child started for name it never returns:
// it serves the parent's requests and exits.
func (r *registry) register(name string, h handler, atInit bool) error {
	if name == "" {
		return errors.New("demos.Func: the name is empty")
	}
	if !atInit {
		return fmt.Errorf("demos.Func(%q): %w", name, errNotAtPackageLevel)
	}
	r.mu.Lock()
	if _, dup := r.funcs[name]; dup {
		r.mu.Unlock()
		return fmt.Errorf("demos.Func(%q): the name is already registered", name)
	}
	r.funcs[name] = h
	serve := r.child == name
	if serve {
		r.serving = true
	}
	r.mu.Unlock()
	if serve {
		os.Exit(serveChild(name, h))
	}
	return nil
}

// duringInit reports whether the caller runs as part of package
// initialization, the only time the child can reach it too.
func duringInit() bool {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(2, pcs)])
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, "runtime.doInit") {
			return true
		}
		if !more {
			return false
		}
	}
}

// mayStart says whether this process may start a child for name, and why
// not. A child that reached this point without having found its own
// function is running code it was never meant to (main, or the tests of a
// test binary): it reports that to its parent and exits, so that a
// mistake can never multiply processes.
func (r *registry) mayStart(name string) error {
	r.mu.Lock()
	child, serving, depth := r.child, r.serving, r.depth
	_, known := r.funcs[name]
	r.mu.Unlock()
	if child != "" && !serving {
		os.Exit(refuseChild(child))
	}
	if !known {
		return fmt.Errorf("demos: no function registered as %q", name)
	}
	if depth >= maxDepth {
		return fmt.Errorf("demos: %q would run %d processes deep; the limit is %d", name, depth+1, maxDepth)
	}
	return nil
}

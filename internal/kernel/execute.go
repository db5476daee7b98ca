package kernel

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/live"
	"github.com/conclab/conclab/internal/wire"
)

// executeRequest is the content of an execute_request.
type executeRequest struct {
	Code            string         `json:"code"`
	Silent          bool           `json:"silent"`
	StoreHistory    *bool          `json:"store_history"`
	UserExpressions map[string]any `json:"user_expressions"`
	AllowStdin      *bool          `json:"allow_stdin"`
	StopOnError     *bool          `json:"stop_on_error"`
}

// executeLoop runs queued cells one at a time, in order.
func (k *Kernel) executeLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case q := <-k.executions:
			for req := q.req; req != nil; {
				k.publishStatus(req, "busy")
				stop, err := k.handleExecute(ctx, req)
				if err != nil {
					k.log.Warn("execute failed", "err", err)
				}
				k.publishStatus(req, "idle")
				var next *wire.Message
				if stop != nil {
					// Taken from the queue while aborting, and to be run.
					next = k.abortQueued(req, *stop, abortLinger)
				}
				req = next
			}
		}
	}
}

// stopOnError says that a cell failed and asked for the requests queued
// behind it to be aborted (see abortQueued).
type stopOnError struct {
	took    time.Duration // from the request's start to just before its reply
	replied time.Time     // just before its reply, by the kernel's clock
}

// handleExecute answers an execute_request: it runs the cell's magics and
// shell lines, then its Go code, publishing what happens on iopub. It
// returns a stopOnError when the cell failed and the queue behind it is to
// be aborted.
func (k *Kernel) handleExecute(ctx context.Context, req *wire.Message) (stop *stopOnError, err error) {
	started := time.Now()
	defer k.executedOnce.Do(func() { close(k.executed) })
	var c executeRequest
	if err := req.DecodeContent(&c); err != nil {
		// A malformed request still gets an answer, so the client does not wait forever.
		return nil, k.reply(k.shell, req, "execute_reply", ExecuteErrorReply{
			ErrorReply:     newErrorReply("BadRequest", err.Error(), nil),
			ExecutionCount: k.executionCount(),
		})
	}
	store := (c.StoreHistory == nil || *c.StoreHistory) && !c.Silent
	allowStdin := c.AllowStdin == nil || *c.AllowStdin
	stopQueue := c.StopOnError == nil || *c.StopOnError

	k.mu.Lock()
	if store {
		k.count++
	}
	count := k.count
	runCtx, cancel := context.WithCancel(ctx)
	k.cancelRun = cancel
	k.mu.Unlock()
	defer func() {
		cancel()
		k.mu.Lock()
		k.cancelRun = nil
		k.mu.Unlock()
	}()

	if store {
		k.history.add(count, c.Code)
	}
	if !c.Silent {
		k.publish(req, "execute_input", ExecuteInput{Code: c.Code, ExecutionCount: count})
	}

	out := newOutput(k, req)
	out.allowStdin, out.silent, out.store, out.count = allowStdin, c.Silent, store, count
	err = k.executeSafely(runCtx, c.Code, count, out)
	out.close()

	var cellErr *engine.Error
	switch {
	case err == nil:
		return nil, k.reply(k.shell, req, "execute_reply", ExecuteReply{
			Status: statusOK, ExecutionCount: count, UserExpressions: map[string]any{}, Payload: orEmptyList(out.payload),
		})
	case errors.As(err, &cellErr):
	default:
		k.log.Error("execute", "err", err)
		cellErr = &engine.Error{Name: "KernelError", Value: err.Error(), Traceback: []string{err.Error()}}
	}
	tb := append([]string{red(cellErr.Name + ": " + cellErr.Value)}, cellErr.Traceback...)
	if len(cellErr.Traceback) > 0 && cellErr.Traceback[0] == cellErr.Value {
		tb = append([]string{red(cellErr.Name + ": " + cellErr.Value)}, cellErr.Traceback[1:]...)
	}
	if !c.Silent {
		k.publish(req, "error", ExecutionError{Ename: cellErr.Name, Evalue: cellErr.Value, Traceback: tb})
	}
	content := ExecuteErrorReply{
		ErrorReply:      newErrorReply(cellErr.Name, cellErr.Value, tb),
		ExecutionCount:  count,
		UserExpressions: map[string]any{},
	}
	// Measured before the reply goes out: a client that sends its next
	// request on seeing the reply sends it more than took after the failed
	// one, however late this goroutine runs again on a busy machine, and
	// must not see it aborted.
	replied := time.Now()
	took := replied.Sub(started)
	err = k.reply(k.shell, req, "execute_reply", content)
	if stopQueue {
		stop = &stopOnError{took: took, replied: replied}
	}
	return stop, err
}

// executeSafely is execute with a guard: a bug in the kernel's own code
// fails the cell with a report, never the kernel.
func (k *Kernel) executeSafely(ctx context.Context, code string, count int, out *output) (err error) {
	defer func() {
		if r := recover(); r != nil {
			k.log.Error("kernel bug while executing a cell", "panic", r, "stack", string(debug.Stack()))
			err = &engine.Error{Name: "KernelError", Value: fmt.Sprintf("conclab failed on this cell (%v); the kernel carries on, please report it", r)}
		}
	}()
	return k.execute(ctx, code, count, out)
}

// execute runs one cell's code: magics and shell lines in order, then the
// Go program if the cell has one.
func (k *Kernel) execute(ctx context.Context, code string, count int, out *output) error {
	if err := k.ensureWorkDir(out); err != nil {
		return err
	}
	if m, use, ok := k.magics.FirstLine(code); ok {
		return k.runMagic(ctx, m, use, call{code: code, count: count}, out)
	}
	c, err := cell.Parse(code)
	if err != nil {
		line, _, _ := strings.Cut(err.Error(), "\n")
		return &engine.Error{Name: "SyntaxError", Value: line, Traceback: splitLines(err.Error())}
	}
	if c.CellMagic != nil {
		return k.runCellMagic(ctx, c.CellMagic, out)
	}
	st := k.settings
	for _, step := range steps(c) {
		if err := k.runStep(ctx, step, &st, out); err != nil {
			return err
		}
	}
	if len(c.Decls) == 0 && !c.HasBody && c.Main == nil && st.Test == nil {
		return nil
	}
	if c.MainArgs != "" {
		// gonb's "%% -n=3": arguments for this run of the program.
		args, err := splitArgs(c.MainArgs)
		if err != nil {
			return errorf("UsageError", "%%%%: %v", err)
		}
		st.Args = args
	}
	return k.engine.Execute(ctx, engine.Cell{ID: count, Code: code, Parsed: c, Settings: st}, out)
}

// magicLive runs a %live cell in the session's interpreter; "%live reset"
// first forgets the interpreter's state.
func (k *Kernel) magicLive(ctx context.Context, c call, out *output) error {
	body, reset, ok, err := live.Strip(c.code)
	if err != nil {
		return errorf("UsageError", "%v", err)
	}
	if !ok {
		return fmt.Errorf("%%live on line %d: the live engine does not see it as a live cell", c.line)
	}
	body, st, err := liveMeasures(body)
	if err != nil {
		return err
	}
	if reset {
		if err := k.live.Reset(); err != nil {
			return err
		}
		if strings.TrimSpace(body) == "" {
			out.Stream("stdout", "live session reset: variables are gone\n")
			return nil
		}
	}
	if k.debug != nil && k.debug.Started() {
		// The interpreter's goroutines are not a program Delve can run.
		out.Stream("stderr", "conclab: the debugger works on compiled cells: this %live cell runs without it, and its breakpoints are ignored\n")
	}
	return k.live.Execute(ctx, engine.Cell{ID: c.count, Code: body, Settings: st}, out)
}

// executionCount is the execution_count of the last cell stored.
func (k *Kernel) executionCount() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.count
}

// red colors a traceback header the way Jupyter frontends show errors.
func red(s string) string { return "\x1b[0;31m" + s + "\x1b[0m" }

func errorf(name, format string, args ...any) *engine.Error {
	msg := fmt.Sprintf(format, args...)
	return &engine.Error{Name: name, Value: msg}
}

func orEmptyList(l []Payload) []Payload {
	if l == nil {
		return []Payload{}
	}
	return l
}

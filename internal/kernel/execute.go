package kernel

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	"github.com/conclab/conclab/internal/cell"
	"github.com/conclab/conclab/internal/compiled"
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
		case req := <-k.executions:
			for req != nil {
				k.publishStatus(req, "busy")
				stop, err := k.handleExecute(ctx, req)
				if err != nil {
					k.log.Warn("execute failed", "err", err)
				}
				k.publishStatus(req, "idle")
				var next *wire.Message
				if stop != nil {
					// Taken from the queue while aborting, and to be run.
					next = k.abortQueued(req, stop.took)
				}
				req = next
			}
		}
	}
}

// stopOnError says that a cell failed and asked for the requests queued
// behind it to be aborted (see abortQueued).
type stopOnError struct {
	took time.Duration // from the request's start to just before its reply
}

// handleExecute answers an execute_request: it runs the cell's magics and
// shell lines, then its Go code, publishing what happens on iopub. It
// returns a stopOnError when the cell failed and the queue behind it is to
// be aborted.
func (k *Kernel) handleExecute(ctx context.Context, req *wire.Message) (stop *stopOnError, err error) {
	started := time.Now()
	var c executeRequest
	if err := req.DecodeContent(&c); err != nil {
		// A malformed request still gets an answer, so the client does not wait forever.
		return nil, k.reply(k.sockets.Shell, req, "execute_reply", k.withCount(errorContent("BadRequest", err.Error(), nil)))
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
		k.publish(req, "execute_input", map[string]any{"code": c.Code, "execution_count": count})
	}

	out := newOutput(k, req)
	out.allowStdin, out.silent, out.store, out.count = allowStdin, c.Silent, store, count
	err = k.executeSafely(runCtx, c.Code, count, out)
	out.close()

	var cellErr *compiled.Error
	switch {
	case err == nil:
		return nil, k.reply(k.sockets.Shell, req, "execute_reply", map[string]any{
			"status": "ok", "execution_count": count, "user_expressions": map[string]any{}, "payload": orEmptyList(out.payload),
		})
	case errors.As(err, &cellErr):
	default:
		k.log.Error("execute", "err", err)
		cellErr = &compiled.Error{Name: "KernelError", Value: err.Error(), Traceback: []string{err.Error()}}
	}
	tb := append([]string{red(cellErr.Name + ": " + cellErr.Value)}, cellErr.Traceback...)
	if len(cellErr.Traceback) > 0 && cellErr.Traceback[0] == cellErr.Value {
		tb = append([]string{red(cellErr.Name + ": " + cellErr.Value)}, cellErr.Traceback[1:]...)
	}
	if !c.Silent {
		k.publish(req, "error", map[string]any{"ename": cellErr.Name, "evalue": cellErr.Value, "traceback": tb})
	}
	content := errorContent(cellErr.Name, cellErr.Value, tb)
	content["execution_count"] = count
	content["user_expressions"] = map[string]any{}
	// Measured before the reply goes out: a client that sends its next
	// request on seeing the reply sends it more than took after the failed
	// one, however late this goroutine runs again on a busy machine, and
	// must not see it aborted.
	took := time.Since(started)
	err = k.reply(k.sockets.Shell, req, "execute_reply", content)
	if stopQueue {
		stop = &stopOnError{took: took}
	}
	return stop, err
}

// executeSafely is execute with a guard: a bug in the kernel's own code
// fails the cell with a report, never the kernel.
func (k *Kernel) executeSafely(ctx context.Context, code string, count int, out *output) (err error) {
	defer func() {
		if r := recover(); r != nil {
			k.log.Error("kernel bug while executing a cell", "panic", r, "stack", string(debug.Stack()))
			err = &compiled.Error{Name: "KernelError", Value: fmt.Sprintf("conclab failed on this cell (%v); the kernel carries on, please report it", r)}
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
	if body, reset, ok, bad := live.Strip(code); ok {
		return k.executeLive(ctx, body, reset, bad, out)
	}
	c, err := cell.Parse(code)
	if err != nil {
		line, _, _ := strings.Cut(err.Error(), "\n")
		return &compiled.Error{Name: "SyntaxError", Value: line, Traceback: splitLines(err.Error())}
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
	if len(c.Decls) == 0 && !c.HasBody && c.Main == nil {
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
	return k.engine.Execute(ctx, c, count, st, out)
}

// executeLive runs a %live cell in the session's interpreter; "%live reset"
// first forgets the interpreter's state.
func (k *Kernel) executeLive(ctx context.Context, body string, reset bool, bad string, out *output) error {
	if bad != "" {
		return errorf("UsageError", "%s", bad)
	}
	if err := liveTrace(body); err != nil {
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
	return k.live.Execute(ctx, body, out)
}

// abortLinger is how long after a failed cell the kernel still looks for
// execute_requests sent before the failure: "Run all" sends every cell at
// once, and a cell that fails to compile can fail before the requests sent
// right after it have arrived. The linger costs nothing: the failed cell's
// idle status is out, and a request the client sends after seeing the
// failure ends it at once.
const abortLinger = time.Second

// abortQueued answers the execute_requests queued behind failed, a request
// that failed after took, with status aborted, as stop_on_error asks: after
// a failed cell, "Run all" stops. What is in the queue already is aborted;
// a request that arrives during the linger is aborted if its client sent it
// before it could have seen the failure (by the client's own clock: sent
// less than took after failed), and otherwise returned, to be run next.
func (k *Kernel) abortQueued(failed *wire.Message, took time.Duration) *wire.Message {
	abort := func(req *wire.Message) {
		k.publishStatus(req, "busy")
		// No execution_count: the cell did not run, and frontends show it so.
		_ = k.reply(k.sockets.Shell, req, "execute_reply", map[string]any{"status": "aborted"})
		k.publishStatus(req, "idle")
	}
queued:
	for {
		select {
		case req := <-k.executions:
			abort(req)
		default:
			break queued
		}
	}
	sentAt := func(m *wire.Message) (time.Time, bool) {
		t, err := time.Parse(time.RFC3339Nano, m.Header.Date)
		return t, err == nil
	}
	failedSent, ok := sentAt(failed)
	if !ok {
		return nil
	}
	linger := time.NewTimer(abortLinger)
	defer linger.Stop()
	for {
		select {
		case req := <-k.executions:
			if sent, ok := sentAt(req); !ok || sent.Sub(failedSent) >= took {
				return req
			}
			abort(req)
		case <-linger.C:
			return nil
		}
	}
}

func (k *Kernel) withCount(content map[string]any) map[string]any {
	k.mu.Lock()
	content["execution_count"] = k.count
	k.mu.Unlock()
	return content
}

// red colors a traceback header the way Jupyter frontends show errors.
func red(s string) string { return "\x1b[0;31m" + s + "\x1b[0m" }

func errorf(name, format string, args ...any) *compiled.Error {
	msg := fmt.Sprintf(format, args...)
	return &compiled.Error{Name: name, Value: msg}
}

func orEmptyList(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}

package ipc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/rpc"
	"os"
	"sync"
	"time"

	"github.com/conclab/conclab/demos"
	"github.com/conclab/conclab/demos/ipc/internal/store"
)

// serviceName is the name the store is served under.
const serviceName = "Store"

// A Manager is a server process that holds named values for other
// processes, like multiprocessing.Manager: each process calls it to set,
// get, add to or append to a value, and each call happens on the server in
// one step, so concurrent calls from many processes lose nothing. Calls go
// over a Unix socket with net/rpc; values are JSON.
//
// The process that starts it with StartManager owns the server and stops
// it with Shutdown. A Manager encodes to JSON as its address, so it can be
// passed to child processes, which call it the same way.
type Manager struct {
	Addr string `json:"addr"`

	proc *demos.Process[managerStats] // the owner's only
	dir  string

	mu     sync.Mutex
	client *rpc.Client
}

// managerConfig is what the server process is started with.
type managerConfig struct {
	Addr string `json:"addr"`
}

// managerStats is what the server process reports when it stops.
type managerStats struct {
	Calls int64 `json:"calls"`
}

// managerServer is the server process, registered at package level so that
// children can run it: it serves the store until its parent stops it.
var managerServer = demos.FuncT("conclab/ipc.manager", func(t *demos.T, cfg managerConfig) (managerStats, error) {
	s := store.New()
	srv := rpc.NewServer()
	if err := srv.RegisterName(serviceName, s); err != nil {
		return managerStats{}, fmt.Errorf("manager: %w", err)
	}
	ln, err := net.Listen("unix", cfg.Addr)
	if err != nil {
		return managerStats{}, fmt.Errorf("manager: %w", err)
	}
	t.Phase("serve")
	stop := context.AfterFunc(t.Context(), func() { ln.Close() })
	defer stop()
	for {
		c, err := ln.Accept()
		if err != nil {
			break // stopped; the process exits with the connections
		}
		go srv.ServeConn(c)
	}
	return managerStats{Calls: s.Calls()}, nil
})

// StartManager starts a manager's server process and waits until it
// accepts calls. The server is stopped by Shutdown, or killed when ctx
// ends.
func StartManager(ctx context.Context) (*Manager, error) {
	path, dir, err := newSocketPath("manager.sock")
	if err != nil {
		return nil, fmt.Errorf("start manager: %w", err)
	}
	p, err := managerServer.Start(ctx, managerConfig{Addr: path})
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start manager: %w", err)
	}
	m := &Manager{Addr: path, proc: p, dir: dir}
	// Wait for the server to listen, or to fail.
	for {
		if _, err := m.connect(ctx); err == nil {
			return m, nil
		}
		select {
		case <-p.Done():
			_, err := p.Wait()
			os.RemoveAll(dir)
			return nil, fmt.Errorf("start manager: the server process ended: %w", err)
		case <-ctx.Done():
			p.Kill()
			p.Wait()
			os.RemoveAll(dir)
			return nil, fmt.Errorf("start manager: %w", context.Cause(ctx))
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// PID is the server process's id (0 outside the process that started it).
func (m *Manager) PID() int {
	if m.proc == nil {
		return 0
	}
	return m.proc.PID()
}

// Set stores v under key.
func (m *Manager) Set(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("manager set %q: %w", key, err)
	}
	return m.call("Set", store.KeyValue{Key: key, Value: b}, &struct{}{})
}

// Get decodes the value under key into v, a pointer, and reports whether
// there was one.
func (m *Manager) Get(key string, v any) (bool, error) {
	var f store.Found
	if err := m.call("Get", key, &f); err != nil {
		return false, err
	}
	if !f.OK {
		return false, nil
	}
	if err := json.Unmarshal(f.Value, v); err != nil {
		return true, fmt.Errorf("manager get %q: %w", key, err)
	}
	return true, nil
}

// Add adds delta to the integer under key (0 if there is none) in one step
// on the server, and returns the sum.
func (m *Manager) Add(key string, delta int64) (int64, error) {
	var sum int64
	err := m.call("Add", store.KeyDelta{Key: key, Delta: delta}, &sum)
	return sum, err
}

// Append adds v at the end of the list under key (empty if there is none)
// in one step on the server, and returns the list's new length. Get with a
// pointer to a slice reads the list.
func (m *Manager) Append(key string, v any) (int, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return 0, fmt.Errorf("manager append to %q: %w", key, err)
	}
	var n int
	err = m.call("Append", store.KeyValue{Key: key, Value: b}, &n)
	return n, err
}

// Keys lists the keys the manager holds, sorted.
func (m *Manager) Keys() ([]string, error) {
	var keys []string
	err := m.call("Keys", struct{}{}, &keys)
	return keys, err
}

// Close closes this process's connection to the manager.
func (m *Manager) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.client == nil {
		return nil
	}
	err := m.client.Close()
	m.client = nil
	if err != nil && !errors.Is(err, rpc.ErrShutdown) {
		return fmt.Errorf("close manager connection: %w", err)
	}
	return nil
}

// Shutdown stops the server process, waits for it and returns its run as
// a task: only the process that started the manager may.
func (m *Manager) Shutdown() (demos.Task, error) {
	if m.proc == nil {
		return demos.Task{}, errors.New("manager shutdown: only the process that started it may")
	}
	m.Close()
	m.proc.Stop()
	stats, err := m.proc.Wait()
	task := m.proc.Task()
	os.RemoveAll(m.dir)
	if err != nil {
		return task, fmt.Errorf("manager shutdown: %w", err)
	}
	task.Result = fmt.Sprintf("%d calls served", stats.Calls)
	return task, nil
}

// call makes one remote call, connecting first if needed; a broken
// connection is dropped so that the next call reconnects.
func (m *Manager) call(method string, arg, reply any) error {
	c, err := m.connect(context.Background())
	if err != nil {
		return err
	}
	if err := c.Call(serviceName+"."+method, arg, reply); err != nil {
		var refused rpc.ServerError
		if !errors.As(err, &refused) { // the connection failed, not the call
			m.mu.Lock()
			if m.client == c {
				m.client = nil
			}
			m.mu.Unlock()
		}
		return fmt.Errorf("manager %s: %w", method, err)
	}
	return nil
}

// connect returns the connection to the server, dialing it if needed.
func (m *Manager) connect(ctx context.Context) (*rpc.Client, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.client != nil {
		return m.client, nil
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", m.Addr)
	if err != nil {
		return nil, fmt.Errorf("connect to manager: %w", err)
	}
	m.client = rpc.NewClient(c)
	return m.client, nil
}

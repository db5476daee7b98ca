// Package kernel is conclab's Jupyter kernel: it speaks the Jupyter messaging
// protocol (through package wire), keeps the session's state, and hands cells
// to an engine. Handlers are named after the messages they answer
// (execute_request -> handleExecute).
package kernel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/conclab/conclab/internal/compiled"
	"github.com/conclab/conclab/internal/complete"
	"github.com/conclab/conclab/internal/debugger"
	"github.com/conclab/conclab/internal/engine"
	"github.com/conclab/conclab/internal/live"
	"github.com/conclab/conclab/internal/magic"
	"github.com/conclab/conclab/internal/memlimit"
	"github.com/conclab/conclab/internal/wire"
	"github.com/conclab/conclab/internal/workspace"
)

// Config says how to start a kernel.
type Config struct {
	ConnectionFile string
	CacheDir       string // shared cache (unpacked source, built programs); default: user cache dir
	Logger         *slog.Logger
}

// Kernel is one running kernel session.
type Kernel struct {
	log     *slog.Logger
	info    *wire.ConnectionInfo
	sockets *wire.Sockets
	session string // this kernel's own session id for the messages it starts

	// The channels replies and iopub messages go out on: the sockets',
	// except in tests.
	shell, control, stdin, iopub sender

	ws       *workspace.Workspace
	workDir  string           // where cells run: the notebook's folder, as the kernel started
	engine   *compiled.Engine // the default; its session remembers declarations
	live     *live.Engine     // %live cells: an interpreter whose state survives cells
	mem      *memlimit.Limiter
	complete *complete.Completer
	history  *history
	magics   magic.Registry[magicHandler]

	settings   engine.Settings // session-wide settings from magics
	maxDisplay int             // bytes of displays one cell may show

	executions chan queued        // execute_requests, run one at a time
	inputs     chan *wire.Message // input_replies from the stdin channel

	mu        sync.Mutex
	count     int                // execution_count
	cancelRun context.CancelFunc // cancels the cell that runs now

	shutdown chan bool // true for a restart

	answered     chan struct{} // closed once the first kernel_info_reply is out
	answeredOnce sync.Once
	executed     chan struct{} // closed once the first execute_request is answered
	executedOnce sync.Once

	debug *debugger.Session // the Jupyter debug protocol's state; nil when it could not be made
	dlv   string            // the dlv cells run under when debugged; "" for none
}

// Run starts a kernel and serves until a shutdown_request, a signal that
// ends it, or ctx ends.
func Run(ctx context.Context, cfg Config) error {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	info, err := wire.ReadConnectionFile(cfg.ConnectionFile)
	if err != nil {
		return err
	}
	// Bind first: the client connects as soon as it has started us, and a
	// connection refused costs it a reconnect interval (100 ms in libzmq).
	// Requests wait in the sockets until the loops below read them.
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	sockets, err := wire.Listen(ctx, info, log)
	if err != nil {
		return err
	}
	defer sockets.Close()
	cacheDir := cfg.CacheDir
	if cacheDir == "" {
		cacheDir, err = CacheDir()
		if err != nil {
			return err
		}
	}
	ws, err := workspace.Create(cacheDir, "")
	if err != nil {
		return err
	}
	defer ws.Remove()
	// A mistyped limit must not keep the kernel from starting: say so, use the default.
	maxOutput, err := sizeFromEnv("CONCLAB_MAX_OUTPUT")
	if err != nil {
		log.Warn("ignoring output limit", "err", err)
	}
	maxMemory, err := sizeFromEnv("CONCLAB_MAX_MEMORY")
	if err != nil {
		log.Warn("ignoring memory limit", "err", err)
	}
	mem, err := newLimiter(maxMemory, log)
	if err != nil {
		return err
	}
	shared, err := compiled.SharedDir()
	if err != nil {
		log.Warn("no shared packages", "err", err)
	}
	dbg, err := debugger.NewSession(os.TempDir())
	if err != nil {
		log.Warn("no debugger", "err", err)
	} else {
		defer dbg.Close()
	}
	dlv := findDlv()
	engine, err := compiled.New(compiled.Options{
		Debugger:     dbg,
		Dlv:          dlv,
		Shared:       shared,
		PackageIndex: filepath.Join(cacheDir, "packages"),
		Workspace:    ws,
		BinCache:     filepath.Join(ws.Dir, "bin"),
		Logger:       log,
		MaxOutput:    int(maxOutput),
		MaxMemory:    mem.Limit(),
		Limiter:      mem,
	})
	if err != nil {
		return err
	}

	completer := complete.New(ws.Dir, os.Environ())
	completer.UseExports(engine.SharedExport)

	magics, err := magicTable()
	if err != nil {
		return fmt.Errorf("the table of magics: %w", err)
	}
	workDir, err := os.Getwd()
	if err != nil {
		log.Warn("no working directory", "err", err)
	}
	k := &Kernel{
		log:        log,
		workDir:    workDir,
		info:       info,
		sockets:    sockets,
		shell:      sockets.Shell,
		control:    sockets.Control,
		stdin:      sockets.Stdin,
		iopub:      sockets.IOPub,
		session:    newID(),
		ws:         ws,
		engine:     engine,
		complete:   completer,
		mem:        mem,
		live:       live.New(live.Options{Logger: log, Limiter: mem}),
		history:    newHistory(),
		maxDisplay: int(maxOutput),
		magics:     magics,
		executions: make(chan queued, 4096),
		inputs:     make(chan *wire.Message, 1),
		shutdown:   make(chan bool, 1),
		answered:   make(chan struct{}),
		executed:   make(chan struct{}),
		debug:      dbg,
		dlv:        dlv,
	}
	if k.maxDisplay <= 0 {
		k.maxDisplay = compiled.DefaultMaxOutput
	}
	go k.warm(ctx)
	return k.serve(ctx)
}

func (k *Kernel) serve(ctx context.Context) error {
	ctx, stopLoops := context.WithCancel(ctx)
	defer stopLoops()
	// SIGINT is how Jupyter interrupts a kernel whose interrupt_mode is
	// "signal"; it must stop the running cell, never the kernel.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	var wg sync.WaitGroup
	loops := []func(context.Context){k.shellLoop, k.controlLoop, k.stdinLoop, k.executeLoop, k.welcomeLoop}
	for _, loop := range loops {
		wg.Add(1)
		go func() { defer wg.Done(); loop(ctx) }()
	}
	k.publishStatus(nil, "starting")

	var err error
	select {
	case <-ctx.Done():
		err = ctx.Err()
	case restart := <-k.shutdown:
		k.log.Info("shutdown", "restart", restart)
	case <-watchParent(ctx):
		k.log.Info("shutdown: the process that started this kernel is gone")
	case sig := <-sigLoop(ctx, sigs, k):
		k.log.Info("stopped by signal", "signal", sig.String())
	}
	stopLoops()
	k.interrupt()
	k.sockets.Close()
	wg.Wait()
	for _, e := range k.engines() {
		if err := e.Close(); err != nil {
			k.log.Warn("close engine", "err", err)
		}
	}
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// sigLoop interrupts the running cell on each SIGINT and returns the first
// signal that should end the kernel. It stops when ctx is done: signal.Stop
// does not close sigs, so ranging over it would outlive the kernel.
func sigLoop(ctx context.Context, sigs <-chan os.Signal, k *Kernel) <-chan os.Signal {
	end := make(chan os.Signal, 1)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case sig := <-sigs:
				if sig == syscall.SIGINT {
					k.interrupt()
					continue
				}
				end <- sig
				return
			}
		}
	}()
	return end
}

// interrupt stops the cell that runs now, if any.
func (k *Kernel) interrupt() {
	k.mu.Lock()
	cancel := k.cancelRun
	k.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	for _, e := range k.engines() {
		e.Interrupt()
	}
}

// engines are the kernel's engines, for what it asks of every one:
// interrupt the running cell, close at shutdown.
func (k *Kernel) engines() []engine.Engine {
	return []engine.Engine{k.live, k.engine}
}

// CacheDir is where kernels share unpacked source and caches: $CONCLAB_CACHE,
// or conclab under the user cache directory.
func CacheDir() (string, error) {
	if d := os.Getenv("CONCLAB_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("cache dir: %w", err)
	}
	return filepath.Join(d, "conclab"), nil
}

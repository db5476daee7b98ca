package wire

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"

	"github.com/go-zeromq/zmq4"
)

// pubHighWaterMark is how many iopub messages may wait for one subscriber
// before the newer ones are dropped for it (libzmq's default is 1000; cells
// that print a lot produce bursts). Each subscriber has its own queue (see
// third_party/README.md), so a subscriber that stops reading loses its own
// messages and delays no one else's.
const pubHighWaterMark = 10000

// Sockets are a kernel's bound sockets. The heartbeat socket is not
// exposed: it echoes on its own until Close.
type Sockets struct {
	Shell, Control, Stdin, IOPub *Channel

	hb     zmq4.Socket
	subs   chan string // iopub subscriptions in effect, for iopub_welcome
	all    []zmq4.Socket
	cancel context.CancelFunc
	done   sync.WaitGroup // the heartbeat and the context watcher
	once   sync.Once
	err    error
}

// Listen binds shell, control and stdin (ROUTER), iopub (PUB) and the
// heartbeat (an echo on a ROUTER, which REQ clients such as jupyter_client's
// heartbeat channel talk to) to info's transport, IP and ports, and runs the
// heartbeat until Close. When ctx ends, the sockets close as if by Close.
// A nil logger discards the logs.
func Listen(ctx context.Context, info *ConnectionInfo, logger *slog.Logger) (*Sockets, error) {
	return listen(ctx, info, logger, pubHighWaterMark)
}

// listen is Listen with iopub's high-water mark as a parameter, for tests.
func listen(ctx context.Context, info *ConnectionInfo, logger *slog.Logger, pubHWM int) (*Sockets, error) {
	if info == nil {
		return nil, errors.New("listen: nil connection info")
	}
	if err := info.Validate(); err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	signer, err := NewSigner(info.SignatureScheme, info.Key)
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var replay *replayGuard
	if signer.Enabled() {
		replay = newReplayGuard(replayWindow)
	}

	ctx, cancel := context.WithCancel(ctx)
	s := &Sockets{cancel: cancel, subs: make(chan string, 16)}
	// zmq4 logs failed handshakes on its own logger; route them to ours.
	zlog := slog.NewLogLogger(logger.Handler(), slog.LevelDebug)
	bind := func(name string, port int, newSock func(context.Context, ...zmq4.Option) zmq4.Socket) (zmq4.Socket, error) {
		sctx := ctx
		if port == info.IOPubPort {
			sctx = context.WithValue(ctx, subscribeHookKey{}, s.subscribed)
		}
		// zmq4's Send waits up to this timeout (default: 5 minutes) for a
		// first peer to connect; a message for nobody should not wait that long.
		sock := newSock(sctx, zmq4.WithLogger(zlog), zmq4.WithTimeout(writeTimeout))
		var err error
		if sock.Type() == zmq4.Pub {
			// Before any subscriber connects: a queue's size is fixed when it does.
			if err = sock.SetOption(zmq4.OptionHWM, pubHWM); err != nil {
				err = fmt.Errorf("high-water mark: %w", err)
			}
		}
		ep, gerr := guardEndpoint(info.Transport, info.Endpoint(port))
		if err == nil {
			err = gerr
		}
		if err == nil {
			err = sock.Listen(ep)
		}
		if err != nil {
			sock.Close()
			return nil, fmt.Errorf("listen: bind %s to %s: %w", name, info.Endpoint(port), err)
		}
		s.all = append(s.all, sock)
		return sock, nil
	}
	channel := func(name string, port int, newSock func(context.Context, ...zmq4.Option) zmq4.Socket) (*Channel, error) {
		sock, err := bind(name, port, newSock)
		if err != nil {
			return nil, err
		}
		return &Channel{
			name:   name,
			sock:   sock,
			pub:    sock.Type() == zmq4.Pub,
			signer: signer,
			replay: replay,
			log:    logger,
			ctx:    ctx,
		}, nil
	}
	fail := func(err error) (*Sockets, error) {
		s.Close()
		return nil, err
	}
	if s.Shell, err = channel("shell", info.ShellPort, zmq4.NewRouter); err != nil {
		return fail(err)
	}
	if s.Control, err = channel("control", info.ControlPort, zmq4.NewRouter); err != nil {
		return fail(err)
	}
	if s.Stdin, err = channel("stdin", info.StdinPort, zmq4.NewRouter); err != nil {
		return fail(err)
	}
	if s.IOPub, err = channel("iopub", info.IOPubPort, zmq4.NewPub); err != nil {
		return fail(err)
	}
	if s.hb, err = bind("heartbeat", info.HBPort, zmq4.NewRouter); err != nil {
		return fail(err)
	}

	s.done.Add(2)
	go func() { defer s.done.Done(); heartbeat(ctx, s.hb, logger) }()
	go func() {
		defer s.done.Done()
		<-ctx.Done()
		s.closeSockets()
	}()
	logger.Debug("listening", "connection", info)
	return s, nil
}

// Subscriptions delivers the topic of each iopub subscription once it is
// in effect, so that the kernel can greet the new subscriber with an
// iopub_welcome message (JEP 65): a client then knows that iopub is
// connected without polling with kernel_info requests. Subscriptions that
// arrive faster than they are read are dropped.
func (s *Sockets) Subscriptions() <-chan string { return s.subs }

func (s *Sockets) subscribed(topic []byte) {
	select {
	case s.subs <- string(topic):
	default:
	}
}

// heartbeat echoes every message back to its sender until ctx ends.
func heartbeat(ctx context.Context, sock zmq4.Socket, logger *slog.Logger) {
	for {
		m, err := sock.Recv()
		if ctx.Err() != nil {
			return
		}
		if err != nil || m.Type == zmq4.CmdMsg || len(m.Frames) < 2 {
			continue
		}
		if err := sock.SendMulti(zmq4.NewMsgFrom(m.Frames...)); err != nil {
			logger.Debug("heartbeat echo failed", "err", err)
		}
	}
}

// Close closes all sockets, which ends pending and later Recv calls with
// [ErrClosed], and stops the heartbeat. It returns promptly even when peers
// are connected, and may be called more than once.
func (s *Sockets) Close() error {
	s.cancel()
	s.closeSockets()
	s.done.Wait()
	return s.err
}

// closeSockets closes the zmq4 sockets once; the first real error wins.
func (s *Sockets) closeSockets() {
	s.once.Do(func() {
		var errs []error
		for _, sock := range s.all {
			if err := sock.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
				errs = append(errs, err)
			}
		}
		if err := errors.Join(errs...); err != nil {
			s.err = fmt.Errorf("close sockets: %w", err)
		}
	})
}

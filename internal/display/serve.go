package display

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// Serve reads the program's messages and passes displays and input requests
// to h, answering gonbui.Sync itself. It returns nil once the program's
// stream has ended after Close (or Close stopped it), ctx.Err() when ctx ends
// first, and an error when the program sent bytes that are not a valid
// message stream (the rest of the stream is then read and dropped, so the
// program does not block) or ended in the middle of a message (it crashed).
// Serve can be called once; it returns ErrClosed after Close.
//
// Close waits for a Serve that has begun, but a Serve started with a bare go
// statement may begin only after Close: use Start to avoid that race.
func (c *Channel) Serve(ctx context.Context, h Handler) error {
	if err := c.begin(h); err != nil {
		return err
	}
	return c.serve(ctx, h)
}

// Start is Serve in a new goroutine, except that the Channel counts as served
// as soon as Start returns, so a later Close delivers everything and waits for
// it. The returned channel receives Serve's result.
func (c *Channel) Start(ctx context.Context, h Handler) <-chan error {
	result := make(chan error, 1)
	if err := c.begin(h); err != nil {
		result <- err
		return result
	}
	go func() { result <- c.serve(ctx, h) }()
	return result
}

// begin registers the one Serve of the channel.
func (c *Channel) begin(h Handler) error {
	if h == nil {
		return errors.New("display: Serve needs a Handler")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return ErrClosed
	case c.done != nil:
		return errors.New("display: Serve called twice")
	}
	c.done = make(chan struct{})
	return nil
}

func (c *Channel) serve(ctx context.Context, h Handler) error {
	defer close(c.done)

	// A deadline wakes a read waiting in the runtime poller.
	stop := context.AfterFunc(ctx, func() { c.rd.SetReadDeadline(time.Now()) })
	defer stop()

	dec := newDecoder(c.rd, maxMessage)
	enc := gob.NewEncoder(replyWriter{c.back})
	replying := true
	for {
		msg, err := dec.decode()
		if err != nil {
			return c.endOfStream(ctx, err, h)
		}
		req := parseMessage(&msg, c.opt.ids)
		for _, n := range req.notes {
			c.opt.log.Debug("display: " + n)
		}
		if req.err != nil {
			c.opt.log.Warn("display: dropped content", "err", req.err)
		}
		if req.display != nil {
			h.Display(*req.display)
		}
		for _, in := range req.inputs {
			h.Input(in.Prompt, in.Password)
		}
		for _, r := range req.replies {
			if !replying {
				break
			}
			if err := enc.Encode(&r); err != nil {
				if errors.Is(err, os.ErrClosed) {
					return c.stopped(ctx, err)
				}
				// Whether the program got part of the stream (type
				// definitions) is unknown, so the stream cannot go on;
				// later syncs stay unanswered, as with no kernel at all.
				c.opt.log.Warn("display: stop answering the program", "address", r.Address, "err", err)
				replying = false
			}
		}
	}
}

// endOfStream decides what a read error means.
func (c *Channel) endOfStream(ctx context.Context, err error, h Handler) error {
	switch {
	case errors.Is(err, io.EOF):
		return nil
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = fmt.Errorf("display: the program's pipe ended in the middle of a message (did it crash?): %w", err)
		c.opt.log.Warn(err.Error())
		return err
	case errors.Is(err, os.ErrClosed), errors.Is(err, os.ErrDeadlineExceeded):
		return c.stopped(ctx, err)
	}
	if errors.Is(err, errMalformed) {
		err = fmt.Errorf("display: %w", err)
	} else {
		err = fmt.Errorf("display: malformed message from the program: %w", err)
	}
	c.opt.log.Warn(err.Error())
	if mh, ok := h.(MalformedHandler); ok {
		mh.Malformed(err)
	}
	// gob cannot resynchronise; keep the pipe drained until the stream ends
	// (or ctx or Close stop it) so the program's writes do not fill it and block.
	_, _ = io.Copy(io.Discard, c.rd)
	return err
}

// stopped maps an error caused by ctx or Close to Serve's result; any other
// error passes through.
func (c *Channel) stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, os.ErrClosed) {
		return nil
	}
	return err
}

package display

import (
	"log/slog"
	"time"
)

// DefaultGrace is how long Close waits for the program's end of GONB_PIPE to
// close before it stops reading anyway.
const DefaultGrace = 2 * time.Second

// Option configures a Channel.
type Option func(*options)

type options struct {
	log     *slog.Logger
	ids     *DisplayIDs
	grace   time.Duration
	workDir string
}

// WithLogger sets where the Channel writes debug lines (ignored widget
// traffic) and warnings (malformed messages). By default it logs nothing.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.log = l }
}

// WithDisplayIDs shares a set of known display ids with other Channels, e.g.
// for a whole kernel session. By default each Channel has its own set.
func WithDisplayIDs(ids *DisplayIDs) Option {
	return func(o *options) { o.ids = ids }
}

// WithGrace sets how long Close waits for the program to close its end of
// GONB_PIPE (DefaultGrace unless set).
func WithGrace(d time.Duration) Option {
	return func(o *options) { o.grace = d }
}

// WithWorkDir sets GONB_DIR, the directory the program runs in. By default it
// is the kernel's working directory when Open is called.
func WithWorkDir(dir string) Option {
	return func(o *options) { o.workDir = dir }
}

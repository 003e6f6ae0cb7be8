package cli

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net/url"
	"path/filepath"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/node"
	"github.com/mohallamart/mohalla/store"
)

// logFlags are the logging flags of every subcommand that logs.
type logFlags struct {
	debug      bool
	debugRiver bool
	format     string
	// river is River's own logger once logger has run: nil leaves the engine's
	// default, River at info level.
	river *slog.Logger
}

func (l *logFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&l.debug, "debug", false, "log at debug level (River's own logs stay at info; see --debug-river)")
	fs.BoolVar(&l.debugRiver, "debug-river", false, "log River's own debug lines too")
	fs.StringVar(&l.format, "log-format", "text", "log format: text or json")
}

// logger returns the logger the flags ask for, writing to w, and keeps River's
// in l.river. An unknown format is a usage error.
func (l *logFlags) logger(fs *flag.FlagSet, w io.Writer) (*slog.Logger, error) {
	level := slog.LevelInfo
	if l.debug {
		level = slog.LevelDebug
	}
	log, err := l.newLogger(fs, w, level)
	if err != nil || !l.debugRiver {
		return log, err
	}
	l.river, err = l.newLogger(fs, w, slog.LevelDebug)
	if err == nil {
		l.river = l.river.With(slog.String("component", "river"))
	}
	return log, err
}

func (l *logFlags) newLogger(fs *flag.FlagSet, w io.Writer, level slog.Level) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: level}
	switch l.format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageErrorf(fs, "--log-format must be text or json, not %q", l.format)
}

// engine is the functions engine's configuration the flags ask for.
func (l *logFlags) engine() engine.Config { return engine.Config{RiverLogger: l.river} }

// dataFlags are the flags of every subcommand that opens the store.
type dataFlags struct {
	dir string
	db  string
	logFlags
}

func (c *CLI) dataFlags(fs *flag.FlagSet) *dataFlags {
	d := &dataFlags{}
	fs.StringVar(&d.dir, "data", "./data", "`directory` of the embedded SQLite store and the JWT secret")
	c.dbFlag(fs, &d.db, "PostgreSQL `URL` (postgres://…); empty means the embedded SQLite store in --data")
	d.logFlags.register(fs)
	return d
}

// dbFlag defines --db, whose default is $DATABASE_URL.
func (c *CLI) dbFlag(fs *flag.FlagSet, dst *string, usage string) {
	c.secretFlag(fs, dst, "db", "DATABASE_URL", usage)
}

// secretFlag defines a flag whose default is the environment variable env.
// Usage never prints the default, which may hold a password.
func (c *CLI) secretFlag(fs *flag.FlagSet, dst *string, name, env, usage string) {
	*dst = c.getenv(env)
	fs.Func(name, usage+" (default $"+env+")", func(s string) error {
		*dst = s
		return nil
	})
}

// open opens and migrates the store the flags name.
func (d *dataFlags) open(ctx context.Context, log *slog.Logger) (*store.Store, error) {
	return store.Open(ctx, store.Config{URL: d.db, DataDir: d.dir, Logger: log})
}

// writer opens a node.Writer on the store the flags name, with the logger
// they ask for: it writes as a node does and may run beside a serving one.
func (d *dataFlags) writer(ctx context.Context, fs *flag.FlagSet, stderr io.Writer) (*node.Writer, *slog.Logger, error) {
	log, err := d.logger(fs, stderr)
	if err != nil {
		return nil, nil, err
	}
	w, err := node.OpenWriter(ctx, node.Config{DataDir: d.dir, DatabaseURL: d.db, Logger: log, Engine: d.engine()})
	return w, log, err
}

// where describes the store the flags name, without its password.
func (d *dataFlags) where() string {
	if d.db == "" {
		return "SQLite " + filepath.Join(d.dir, "mohalla.db")
	}
	return "PostgreSQL " + redact(d.db)
}

func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

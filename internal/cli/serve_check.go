package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/mail"
)

// checkTimeout bounds each check serve makes of the services it is given.
const checkTimeout = 10 * time.Second

// serveConfig is what serve checks before it starts.
type serveConfig struct {
	db, redis, smtp, mailFrom string
}

// check fails fast on a malformed URL (a usage error) or a database that
// does not answer, and warns of an optional service (Redis, SMTP) that does
// not answer: the node serves without it, and /readyz reports it down. The
// messages name hosts, never passwords.
func (s serveConfig) check(ctx context.Context, fs *flag.FlagSet, log *slog.Logger) error {
	if s.db != "" {
		u, err := url.Parse(s.db)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			return usageErrorf(fs, "--db must be a postgres://user:password@host:port/database URL, or empty for SQLite")
		}
		if _, err := pgxpool.ParseConfig(s.db); err != nil {
			return usageErrorf(fs, "--db: %v", redactErr(err, s.db))
		}
	}
	if s.redis != "" {
		if _, err := cache.NewRedis(&cache.RedisConfig{URL: s.redis}); err != nil {
			return usageErrorf(fs, "--redis must be a redis://[user:password@]host:port[/db] URL")
		}
	}
	if s.smtp != "" {
		if _, err := mail.NewSender(s.smtp, s.mailFrom); err != nil {
			return usageErrorf(fs, "--smtp and --mail-from: %v", redactErr(err, s.smtp))
		}
	}

	if s.db != "" {
		cctx, cancel := context.WithTimeout(ctx, checkTimeout)
		defer cancel()
		pc, _ := pgxpool.ParseConfig(s.db) // the store's parser: it knows pool_max_conns
		conn, err := pgx.ConnectConfig(cctx, pc.ConnConfig)
		if err != nil {
			return fmt.Errorf("--db: the database at %s does not answer: %v", host(s.db), redactErr(err, s.db))
		}
		_ = conn.Close(cctx)
	}
	if s.redis != "" {
		rc, _ := cache.NewRedis(&cache.RedisConfig{URL: s.redis, Timeout: time.Second})
		cctx, cancel := context.WithTimeout(ctx, checkTimeout)
		if err := rc.Ping(cctx); err != nil {
			log.WarnContext(ctx, "Redis does not answer; reads go to the store until it does", slog.String("redis", host(s.redis)),
				slog.Any("err", err))
		}
		cancel()
		_ = rc.Close()
	}
	if s.smtp != "" {
		sender, _ := mail.NewSender(s.smtp, s.mailFrom)
		cctx, cancel := context.WithTimeout(ctx, checkTimeout)
		if err := sender.Ping(cctx); err != nil {
			log.WarnContext(ctx, "the SMTP server does not answer; emails are recorded and retried", slog.String("smtp", host(s.smtp)),
				slog.Any("err", err))
		}
		cancel()
	}
	return nil
}

// host is the host:port of a service URL, for messages.
func host(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return "(unparsable URL)"
}

// redactErr returns err's text without the URL's password.
func redactErr(err error, raw string) string {
	msg := err.Error()
	if u, perr := url.Parse(raw); perr == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	return msg
}

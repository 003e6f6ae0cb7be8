package bench

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/mohallamart/mohalla/store"
)

var databaseName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// withDatabase returns the PostgreSQL URL rawURL with its database replaced by
// name.
func withDatabase(rawURL, name string) (string, error) {
	if !strings.HasPrefix(rawURL, "postgres://") && !strings.HasPrefix(rawURL, "postgresql://") {
		return "", fmt.Errorf("%q is not a postgres:// URL", redact(rawURL))
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", fmt.Errorf("parse database URL: %w", err)
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

// createDatabase creates the empty database name on the server of serverURL,
// dropping one left over from an earlier run, and returns its URL.
func createDatabase(ctx context.Context, serverURL, name string) (string, error) {
	if !databaseName.MatchString(name) {
		return "", fmt.Errorf("database name %q: use lowercase letters, digits and _", name)
	}
	dbURL, err := withDatabase(serverURL, name)
	if err != nil {
		return "", err
	}
	id := pgx.Identifier{name}.Sanitize()
	if err := serverExec(ctx, serverURL, "DROP DATABASE IF EXISTS "+id+" WITH (FORCE)"); err != nil {
		return "", fmt.Errorf("drop database %s: %w", name, err)
	}
	if err := serverExec(ctx, serverURL, "CREATE DATABASE "+id); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return dbURL, nil
}

// dropDatabase drops the database name on the server of serverURL, ending its
// sessions.
func dropDatabase(ctx context.Context, serverURL, name string) error {
	err := serverExec(ctx, serverURL, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	if err != nil {
		return fmt.Errorf("drop database %s: %w", name, err)
	}
	return nil
}

// serverExec runs one statement on a connection of its own to serverURL.
func serverExec(ctx context.Context, serverURL, sql string) error {
	// The store's parser, which knows a URL's pool_max_conns (pgx would send
	// it to the server as a setting).
	pc, err := pgxpool.ParseConfig(serverURL)
	if err != nil {
		return err
	}
	conn, err := pgx.ConnectConfig(ctx, pc.ConnConfig)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, sql)
	return err
}

func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// benchStore returns the configuration of a new, empty store: a database of
// its own on the PostgreSQL server of serverURL, or SQLite in a temporary
// directory when serverURL is empty. cleanup removes it unless keep.
func benchStore(ctx context.Context, serverURL, name string, keep bool, log *slog.Logger) (store.Config, func(), error) {
	if serverURL == "" {
		dir, err := os.MkdirTemp("", "mohalla-bench-")
		if err != nil {
			return store.Config{}, nil, err
		}
		return store.Config{DataDir: dir, Logger: log}, func() {
			if !keep {
				os.RemoveAll(dir)
			}
		}, nil
	}
	dbURL, err := createDatabase(ctx, serverURL, name)
	if err != nil {
		return store.Config{}, nil, err
	}
	return store.Config{URL: dbURL, Logger: log}, func() {
		if keep {
			return
		}
		if err := dropDatabase(context.WithoutCancel(ctx), serverURL, name); err != nil {
			log.WarnContext(ctx, "bench database left behind", slog.String("database", name), slog.Any("err", err))
		}
	}, nil
}

// afterWarmup analyzes the database at dbURL, as its owner, once a bench's
// warm-up has written to it: what autovacuum's analyze does on a server that
// has it on, and the bench machine's has not. A bench's database begins
// empty, and a pooled connection keeps the plans it made of its statements
// while the tables were a page or two, scans of the whole table, until the
// tables' statistics change: without an analyze, a plan chosen for an empty
// table scans it whole however large it grows. Production tables are not
// empty, and autovacuum analyzes a growing one at every tenth of its size.
func afterWarmup(ctx context.Context, dbURL string) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("analyze after the warm-up: %w", err)
	}
	return nil
}

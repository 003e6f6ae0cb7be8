// Package storetest opens real stores for tests: a SQLite file in a temporary
// directory, or a fresh PostgreSQL database cloned from a migrated template. It
// never skips: a test that needs PostgreSQL fails when PostgreSQL is not there.
//
// A test runs on every kind of store, and TestMain drops this process's
// PostgreSQL template after the run:
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		storetest.DropTemplates()
//		os.Exit(code)
//	}
//
//	func TestSomething(t *testing.T) {
//		for _, kind := range storetest.Kinds {
//			t.Run(kind, func(t *testing.T) {
//				st := storetest.Open(t, kind) // closed and dropped when t ends
//				ctx := store.AsSystem(t.Context(), "test")
//				_ = st.InTx(ctx, func(tx *store.Tx) error { ... })
//			})
//		}
//	}
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla/store"
)

// MaxConns bounds the PostgreSQL pool of every store a test opens, so that
// the tests fit the server's max_connections (100 by default). CI runs
// `go test -p 2`: two packages at once, each running up to GOMAXPROCS (2 on
// the CI machine) parallel tests. One store uses at most MaxConns pooled
// connections, plus the one River takes out of the pool for its LISTEN
// (hijacked, so outside the cap), plus the event log's own LISTEN connection
// in a node with a live hub: 8 + 1 + 1 = 10. A test has at most two stores
// open at once (engine's cron and kill tests: two nodes), so two packages need
// at most 2 × 2 × 2 × 10 = 80. TestDrill (cmd/mohalla) is not parallel: its
// three serve processes (pools capped by PoolURL) hold 3 × 10 = 30 and the
// test 2 more, 32 + 2 × 2 × 10 = 72 with another package beside it. Pools
// open connections only as they need them, so the real peak is lower: 65,
// counted every half second while `go test -p 2` ran engine, alerts, node,
// store, cli, retention, search, cmd/mohalla, bench, workflow and syncmon on
// the 2-core machine (2026-12-04). The store's default (4 × GOMAXPROCS + 16)
// is sized for one process per server.
const MaxConns = 8

// Kinds are the stores every conformance test runs on.
var Kinds = []string{"sqlite", "postgres"}

// AdminURL is the PostgreSQL server tests create databases on:
// MOHALLA_TEST_DATABASE_URL, or the local server as user postgres.
func AdminURL() string {
	if u := os.Getenv("MOHALLA_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// Open returns a new, empty, migrated store of kind, closed and dropped when the
// test ends.
func Open(t testing.TB, kind string) *store.Store {
	t.Helper()
	return OpenConfig(t, NewConfig(t, kind))
}

// NewConfig returns the configuration of a new, empty store of kind: a temporary
// directory for SQLite, a fresh database for PostgreSQL. Several stores opened
// with it share the data, as nodes of one cluster do.
func NewConfig(t testing.TB, kind string) store.Config {
	t.Helper()
	var cfg store.Config
	switch kind {
	case "sqlite":
		cfg.DataDir = t.TempDir()
	case "postgres":
		cfg.URL, cfg.MaxConns = NewDatabase(t), MaxConns
	default:
		t.Fatalf("storetest: unknown store kind %q", kind)
	}
	return cfg
}

// OpenConfig opens a store with cfg, closed when the test ends.
func OpenConfig(t testing.TB, cfg store.Config) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(st.Close)
	return st
}

// NewDatabase creates a fresh PostgreSQL database with the schema migrated, and
// returns its URL. The database is dropped when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	templateOnce.Do(func() { templateName, templateErr = makeTemplate(ctx) })
	if templateErr != nil {
		t.Fatalf("storetest: PostgreSQL template: %v", templateErr)
	}
	name := "mohalla_test_" + randomSuffix()
	if err := adminExec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, templateName)); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		_ = adminExec(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name))
	})
	return DatabaseURL(name)
}

// PoolURL returns rawURL with its pool capped at MaxConns (pgxpool's
// pool_max_conns), for a test that hands a database URL to a command or a
// serve process instead of opening the store itself. Only the store (pgxpool)
// reads the parameter: pgx.Connect would send it to the server.
func PoolURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	q := u.Query()
	q.Set("pool_max_conns", strconv.Itoa(MaxConns))
	u.RawQuery = q.Encode()
	return u.String()
}

// DatabaseURL is AdminURL with its database replaced by name.
func DatabaseURL(name string) string {
	u, err := url.Parse(AdminURL())
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

// makeTemplate creates and migrates a template database for this test process.
// Each process has its own, so packages tested in parallel do not collide.
func makeTemplate(ctx context.Context) (string, error) {
	name := "mohalla_tmpl_" + randomSuffix()
	if err := adminExec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	st, err := store.Open(ctx, store.Config{URL: DatabaseURL(name), MaxConns: MaxConns})
	if err != nil {
		return "", err
	}
	st.Close()
	return name, nil
}

// DropTemplates removes this process's template; TestMain calls it after the run.
func DropTemplates() {
	if templateName != "" {
		_ = adminExec(context.Background(), fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", templateName))
	}
}

func adminExec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

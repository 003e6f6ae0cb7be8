package store

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/mohallamart/mohalla/logthrottle"
)

//go:embed migrations/postgres/*.sql
var postgresMigrations embed.FS

type postgres struct {
	pool *pgxpool.Pool
	// logPool holds the connections of the event log's followers (ReadLog),
	// apart from pool: a follower waiting for a connection behind the
	// requests and runs that hold all of pool delays every change it hands
	// over (at 10,000 live clients and 50 orders/s, p50 20 ms and p99 over
	// 200 ms of waiting for one on the node the orders were written to).
	logPool *pgxpool.Pool
	tracer  *pgTracer
	// lazyRuns: River's tables exist, and runs may be queued as their jobs
	// alone (Store.EnableLazyRuns).
	lazyRuns atomic.Bool
	// horizons shares the reads of the log's horizon (ReadHorizon).
	horizons horizons
}

// minConns is the smallest pool Open accepts.
const minConns = 2

func openPostgres(ctx context.Context, cfg Config) (*postgres, error) {
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("store: parse database URL: %w", err)
	}
	// Requests, function runs and River's own work share the pool; too few
	// connections make runs wait for one before they start.
	// A URL's own pool_max_conns is kept, so an operator can size each
	// node's pool in --db.
	if !strings.Contains(cfg.URL, "pool_max_conns=") {
		pc.MaxConns = int32(max(4*runtime.GOMAXPROCS(0)+16, 24))
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	if pc.MaxConns < minConns {
		// Open would wait forever: the schema lock holds a connection
		// while the migrations take another.
		return nil, fmt.Errorf("store: a pool of %d connection is too small: set pool_max_conns in the database URL (or MaxConns) to at least %d",
			pc.MaxConns, minConns)
	}
	tr := &pgTracer{log: cfg.DriverLog}
	if tr.log == nil {
		log := cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler))
		tr.log = slog.New(logthrottle.New(log.Handler(), "pgx", time.Minute))
	}
	pc.ConnConfig.Tracer = tr
	lc := pc.Copy()
	lc.MaxConns, lc.MinConns = logConns, 0
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	logPool, err := pgxpool.NewWithConfig(ctx, lc)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	p := &postgres{pool: pool, logPool: logPool, tracer: tr}
	p.horizons.query = p.readHorizon
	return p, nil
}

// logConns bounds the log followers' connections (ReadLog) of a node: two
// for each of its followers (the search index, the cache, the live hub),
// whose reads and catch-ups after other nodes' commits (eventlog's
// Notifier.Wake) may overlap, and some for the notifications to the other
// nodes (Notify). They are opened as needed.
const logConns = 8

// Pool returns the pgx pool of a PostgreSQL store, or nil on SQLite: for
// River's pgx driver (the engine), which runs on the pool itself, and for the
// pool's measurements (metrics, the bench). Queries go through Read, Write and
// InTx, which switch to AppRole and the caller.
func (s *Store) Pool() *pgxpool.Pool {
	if p, ok := s.b.(*postgres); ok {
		return p.pool
	}
	return nil
}

// postgresDialect is PostgreSQL's SQL (see dialect).
var postgresDialect = &dialect{
	kind:             Postgres,
	forUpdate:        " FOR UPDATE",
	posTx:            "txid::text::bigint",
	jsonText:         func(col, key string) string { return col + "->>'" + key + "'" },
	jsonEach:         func(param string) string { return "jsonb_array_elements_text(" + param + "::jsonb)" },
	cast:             func(param, pgType string) string { return "CAST(" + param + " AS " + pgType + ")" },
	recordSet:        pgRecordSet,
	riverTime:        func(t time.Time) any { return t.UTC() },
	oneStatementPays: true,
	jobsInSQL:        true,
	isUnique:         pgIsUnique,
	isForeignKey:     pgIsForeignKey,
	isRetryable:      pgIsRetryable,
	isBadValue:       pgIsBadValue,
}

func (p *postgres) dialect() *dialect              { return postgresDialect }
func (p *postgres) close()                         { p.pool.Close(); p.logPool.Close() }
func (p *postgres) ping(ctx context.Context) error { return p.pool.Ping(ctx) }
func (p *postgres) reader() querier                { return pgxSession{p.pool} }
func (p *postgres) writer() querier                { return pgxSession{p.pool} }
func (p *postgres) owner() querier                 { return pgxQuerier{p.pool} }

func (p *postgres) execMany(ctx context.Context, sql string, args [][]any) ([]int64, error) {
	b, err := sessionBatch(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range args {
		b.Queue(sql, a...)
	}
	// A batch is one pipeline ending in one Sync: an implicit transaction.
	res := p.pool.SendBatch(ctx, b)
	if _, err := res.Exec(); err != nil {
		_ = res.Close()
		return nil, err
	}
	n := make([]int64, len(args))
	for i := range args {
		tag, err := res.Exec()
		if err != nil {
			_ = res.Close()
			return nil, err
		}
		n[i] = tag.RowsAffected()
	}
	return n, res.Close()
}

// begin is the one place a store transaction starts: BEGIN, the switch to
// AppRole with ctx's caller and, for one that appends, the log writer lock
// (in the settings' statement: sessionWriterArgsSQL) are held (Tx.later) and
// go with the transaction's first statement, in one round trip with it.
func (p *postgres) begin(ctx context.Context, appends bool) (txQuerier, error) {
	if _, err := sessionSQL(ctx); err != nil {
		return nil, err
	}
	c, _ := CallerOf(ctx)
	settings := sessionArgsSQL
	if appends {
		settings = sessionWriterArgsSQL
	}
	begin := []heldStmt{{what: "begin", sql: "BEGIN"},
		{what: "begin", sql: settings, args: []any{AppRole, c.ID, string(c.Role)}}}
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	return beginPipeline(conn, begin), nil // see Tx.later
}

// beginOwner begins a transaction as the connection's own role, the tables'
// owner: for migrations only.
func (p *postgres) beginOwner(ctx context.Context) (txQuerier, error) {
	tx, err := p.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	return pgxTx{pgxQuerier{tx}, tx}, nil
}

func (p *postgres) migrate(ctx context.Context) error {
	return runMigrations(ctx, pgxQuerier{p.pool}, p.beginOwner, postgresMigrations, "migrations/postgres", "timestamptz")
}

// withSchemaLock holds a session advisory lock on a connection of its own.
func (p *postgres) withSchemaLock(ctx context.Context, fn func() error) error {
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	const lockKey = 0x6d6f68616c6c61 // "mohalla"
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		return err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", lockKey) //nolint:errcheck
	if err := fn(); err != nil {
		return err
	}
	// fn may have created tables (River's) that AppRole needs.
	_, err = conn.Exec(ctx, grantRiverSQL)
	return err
}

func pgIsUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

func pgIsForeignKey(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23503"
}

func pgIsBadValue(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "22") || pe.Code == "23514")
}

// pgCode is err's SQLSTATE, "" if it is no PostgreSQL error.
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func pgIsRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

type pgxConn interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

type pgxQuerier struct{ c pgxConn }

func (q pgxQuerier) exec(ctx context.Context, sql string, args ...any) (int64, error) {
	tag, err := q.c.Exec(ctx, sql, args...)
	return tag.RowsAffected(), err
}

func (q pgxQuerier) query(ctx context.Context, sql string, args ...any) (rows, error) {
	rs, err := q.c.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return pgxRows{rs}, nil
}

func (q pgxQuerier) queryRow(ctx context.Context, sql string, args ...any) row {
	return pgxRow{q.c.QueryRow(ctx, sql, args...)}
}

type pgxRows struct{ pgx.Rows }

func (r pgxRows) Close() { r.Rows.Close() }

type pgxRow struct{ r pgx.Row }

func (r pgxRow) Scan(dest ...any) error {
	if err := r.r.Scan(dest...); errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	} else {
		return err
	}
}

type pgxTx struct {
	pgxQuerier
	tx pgx.Tx
}

func (t pgxTx) commit(ctx context.Context) error   { return t.tx.Commit(ctx) }
func (t pgxTx) rollback(ctx context.Context) error { return t.tx.Rollback(ctx) }

// IsUnavailable reports whether err says the database could not take the
// query now, rather than that the query is wrong: no connection could be
// made, the server has no connection slot left (SQLSTATE class 53), or it is
// shutting down or starting (57P01–57P03). Callers answer 503, to be retried.
func IsUnavailable(err error) bool {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "53") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	return false
}

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
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/logthrottle"
)

//go:embed migrations/postgres/*.sql
var postgresMigrations embed.FS

type postgres struct {
	pool   *pgxpool.Pool
	tracer *pgTracer
}

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
	tr := &pgTracer{log: cfg.DriverLog}
	if tr.log == nil {
		log := cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler))
		tr.log = slog.New(logthrottle.New(log.Handler(), "pgx", time.Minute))
	}
	pc.ConnConfig.Tracer = tr
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	return &postgres{pool: pool, tracer: tr}, nil
}

// Pool returns the pgx pool of a PostgreSQL store, or nil on SQLite.
func (s *Store) Pool() *pgxpool.Pool {
	if p, ok := s.b.(*postgres); ok {
		return p.pool
	}
	return nil
}

func (p *postgres) kind() Kind { return Postgres }
func (p *postgres) requeueJobs(ctx context.Context, q querier, where string, args ...any) (int64, error) {
	// One statement: the DELETE locks each row and rechecks its state, so a
	// job whose end River recorded meanwhile is left alone.
	return q.exec(ctx, `WITH old AS (
		DELETE FROM river_job WHERE state = 'running' AND attempted_by[array_length(attempted_by, 1)] = $1 AND (`+where+`)
		RETURNING *)
		INSERT INTO river_job (`+requeueColumns+`, max_attempts, scheduled_at, state)
		SELECT `+requeueColumns+`, greatest(max_attempts, attempt + 1), now(), 'available' FROM old`, args...)
}
func (p *postgres) forUpdate() string               { return " FOR UPDATE" }
func (p *postgres) jsonText(col, key string) string { return col + "->>'" + key + "'" }
func (p *postgres) jsonEach(param string) string {
	return "jsonb_array_elements_text(" + param + "::jsonb)"
}
func (p *postgres) posTx() string { return "txid::text::bigint" }
func (p *postgres) lockKey(ctx context.Context, q querier, key string) error {
	_, err := q.exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", key)
	return err
}

// logHorizonXid returns the transaction id below which the log's next
// statement reads (log_visible_xid, migration 020): it must be asked in a
// statement of its own, before the read, whose snapshot then sees every
// transaction of this database below it ended.
func logHorizonXid(ctx context.Context, q querier) (string, error) {
	var h string
	err := q.queryRow(ctx, `SELECT log_visible_xid()::text`).Scan(&h)
	return h, err
}

// catchUp waits until the log's horizon (log_visible_xid, migration 020)
// passes the xmax it saw first: then no transaction of this database that was
// running at the call is running still.
func (p *postgres) catchUp(ctx context.Context, q querier) error {
	var xmax string
	if err := q.queryRow(ctx, `SELECT pg_snapshot_xmax(pg_current_snapshot())::text`).Scan(&xmax); err != nil {
		return err
	}
	for {
		var done bool
		if err := q.queryRow(ctx, `SELECT log_visible_xid() >= $1::text::xid8`, xmax).Scan(&done); err != nil {
			return err
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
	}
}

func (p *postgres) close()                         { p.pool.Close() }
func (p *postgres) ping(ctx context.Context) error { return p.pool.Ping(ctx) }
func (p *postgres) reader() querier                { return pgxSession{p.pool} }
func (p *postgres) writer() querier                { return pgxSession{p.pool} }

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

// begin is the one place a store transaction starts: BEGIN and the switch to
// AppRole with ctx's caller go in one message, one round trip, as the BEGIN
// alone did before.
func (p *postgres) begin(ctx context.Context) (txQuerier, error) {
	session, err := sessionSQL(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := p.pool.BeginTx(ctx, pgx.TxOptions{BeginQuery: "BEGIN; " + session})
	if err != nil {
		return nil, err
	}
	return &pgxPipeline{pgxTx: pgxTx{pgxQuerier{tx}, tx}}, nil // see Tx.later
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

func (p *postgres) isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

func (p *postgres) isForeignKey(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23503"
}

func (p *postgres) isBadValue(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "22") || pe.Code == "23514")
}

func (p *postgres) isRetryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// readEvents returns the events after the position whose transactions have all
// finished: a transaction younger than the snapshot's xmin may still commit rows
// with a smaller seq, so reading past it would skip them.
func (p *postgres) readEvents(ctx context.Context, q querier, after mohalla.Position, name string, limit int) ([]mohalla.Event, error) {
	h, err := logHorizonXid(ctx, q)
	if err != nil {
		return nil, err
	}
	rs, err := q.query(ctx, `
		SELECT txid::text::bigint, seq, event_id, name, data::text, coalesce(caller::text, ''), ts, v
		FROM events
		WHERE (txid, seq) > ($1::text::xid8, $2)
		  AND txid < $5::text::xid8
		  AND ($3 = '' OR name = $3)
		ORDER BY txid, seq
		LIMIT $4`, fmt.Sprint(after.Tx), after.ID, name, limit, h)
	if err != nil {
		return nil, err
	}
	return scanEvents(rs)
}

func (p *postgres) readEventsBefore(ctx context.Context, q querier, before mohalla.Position, name string, limit int) ([]mohalla.Event, error) {
	h, err := logHorizonXid(ctx, q)
	if err != nil {
		return nil, err
	}
	rs, err := q.query(ctx, `
		SELECT txid::text::bigint, seq, event_id, name, data::text, coalesce(caller::text, ''), ts, v
		FROM events
		WHERE ($1 OR (txid, seq) < ($2::text::xid8, $3))
		  AND txid < $6::text::xid8
		  AND ($4 = '' OR name = $4)
		ORDER BY txid DESC, seq DESC
		LIMIT $5`, before.IsZero(), fmt.Sprint(before.Tx), before.ID, name, limit, h)
	if err != nil {
		return nil, err
	}
	return scanEvents(rs)
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
func (t pgxTx) driver() any                        { return t.tx }

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

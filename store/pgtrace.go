package store

import (
	"context"
	"log/slog"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgTracer watches the pool: how many acquires are waiting for a connection
// now, connections that fail to open, logged (through a throttled logger: a
// database that is down fails every attempt), and how many statements and
// round trips the store has sent (see QueryCounts).
type pgTracer struct {
	log     *slog.Logger
	waiting atomic.Int64

	queries  atomic.Int64 // Exec, Query and QueryRow calls: a round trip each
	batches  atomic.Int64 // SendBatch calls: a round trip each
	batched  atomic.Int64 // statements sent in batches
	prepares atomic.Int64 // statements prepared on a connection: a round trip each
}

func (t *pgTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	t.queries.Add(1)
	return ctx
}
func (t *pgTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (t *pgTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	t.batches.Add(1)
	if d.Batch != nil {
		t.batched.Add(int64(d.Batch.Len()))
	}
	return ctx
}
func (t *pgTracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (t *pgTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

func (t *pgTracer) TracePrepareStart(ctx context.Context, _ *pgx.Conn, _ pgx.TracePrepareStartData) context.Context {
	return ctx
}

func (t *pgTracer) TracePrepareEnd(_ context.Context, _ *pgx.Conn, d pgx.TracePrepareEndData) {
	if !d.AlreadyPrepared {
		t.prepares.Add(1)
	}
}

func (t *pgTracer) TraceAcquireStart(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireStartData) context.Context {
	t.waiting.Add(1)
	return ctx
}

func (t *pgTracer) TraceAcquireEnd(context.Context, *pgxpool.Pool, pgxpool.TraceAcquireEndData) {
	t.waiting.Add(-1)
}

func (t *pgTracer) TraceConnectStart(ctx context.Context, _ pgx.TraceConnectStartData) context.Context {
	return ctx
}

func (t *pgTracer) TraceConnectEnd(ctx context.Context, d pgx.TraceConnectEndData) {
	if d.Err != nil {
		t.log.WarnContext(ctx, "database connection failed", slog.Any("err", d.Err))
	}
}

// PoolWaiting is how many callers wait for a connection of the PostgreSQL
// pool now (0 on SQLite).
func (s *Store) PoolWaiting() int64 {
	if p, ok := s.b.(*postgres); ok {
		return p.tracer.waiting.Load()
	}
	return 0
}

// QueryCounts is what a PostgreSQL store has sent since it opened.
type QueryCounts struct {
	// Statements counts the SQL texts sent: one per Exec, Query or QueryRow
	// and one per statement of a batch (a transaction's BEGIN, its role
	// settings with, for one that appends, its log writer mark, and its
	// COMMIT are one each: they go in the batches of its first and last
	// statements).
	Statements int64
	// RoundTrips counts the waits for the server: one per Exec, Query or
	// QueryRow, one per batch however many statements it holds, and one per
	// statement prepared on a connection for the first time.
	RoundTrips int64
}

// Sub returns c - o.
func (c QueryCounts) Sub(o QueryCounts) QueryCounts {
	return QueryCounts{Statements: c.Statements - o.Statements, RoundTrips: c.RoundTrips - o.RoundTrips}
}

// QueryCounts returns the statements and round trips the store has sent
// (the zero QueryCounts on SQLite): bench orders divides them by the orders.
func (s *Store) QueryCounts() QueryCounts {
	p, ok := s.b.(*postgres)
	if !ok {
		return QueryCounts{}
	}
	t := p.tracer
	q := t.queries.Load()
	return QueryCounts{Statements: q + t.batched.Load(), RoundTrips: q + t.batches.Load() + t.prepares.Load()}
}

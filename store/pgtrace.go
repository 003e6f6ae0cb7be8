package store

import (
	"context"
	"log/slog"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// pgTracer watches the pool: how many acquires are waiting for a connection
// now, and connections that fail to open, logged (through a throttled
// logger: a database that is down fails every attempt).
type pgTracer struct {
	log     *slog.Logger
	waiting atomic.Int64
}

func (t *pgTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}
func (t *pgTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

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

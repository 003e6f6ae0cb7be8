package store

import (
	"context"
	"strconv"
	"time"

	"github.com/mohallamart/mohalla"
)

// LogHead returns the position of the last event a follower can read now: on
// PostgreSQL the last one whose transaction is older than every log writer
// (InEventTx) still running, so a follower that starts after it skips nothing. It returns
// the zero Position for an empty log, and the log's horizon (LogHorizon) for
// one whose every event was pruned.
func (q *Q) LogHead(ctx context.Context) (mohalla.Position, error) {
	var p mohalla.Position
	h, err := q.logHorizon(ctx)
	if err != nil {
		return p, err
	}
	err = q.q.queryRow(ctx, q.d.sql(logHeadSQL), strconv.FormatInt(h.Tx, 10)).Scan(&p.Tx, &p.ID)
	return p, err
}

var logHeadSQL = query{
	postgres: `SELECT tx, seq FROM (
			(SELECT txid::text::bigint AS tx, seq FROM events
			WHERE txid < $1::text::xid8
			ORDER BY txid DESC, seq DESC LIMIT 1)
			UNION ALL SELECT tx, seq FROM log_horizon WHERE id = 1
			UNION ALL SELECT 0, 0) last
			ORDER BY tx DESC, seq DESC LIMIT 1`,
	sqlite: `SELECT 0, max(coalesce((SELECT max(seq) FROM events), 0), coalesce((SELECT seq FROM log_horizon WHERE id = 1), 0))`,
}

// CatchUp returns once ReadEvents shows every event committed before the call:
// on PostgreSQL, when every log writer (InEventTx) that was running at the
// call has ended (the log's reader waits for them, see ReadEvents). Tests and
// callers that must read their own writes use it.
func (q *Q) CatchUp(ctx context.Context) error {
	p, ok := q.b.(*postgres)
	if !ok {
		return nil
	}
	_, err := q.CaughtUp(ctx, p.horizons.mark())
	return err
}

// CaughtUp returns a read of the log's horizon (ReadHorizon) past every
// transaction that had ended at since (a mark, or a read): ReadEventsBelow
// it shows every event they committed. It waits, on PostgreSQL, until every
// log writer that was running then has ended. A follower woken by a commit
// catches up from the mark the commit left (Store.CommitMark), so the
// followers it woke share their reads; and it reads the log below what
// CaughtUp returned, with no read of its own.
func (q *Q) CaughtUp(ctx context.Context, since Horizon) (Horizon, error) {
	// The first read that started after since shows every transaction that
	// had ended by then below its snapshot's xmax; once the horizon passes
	// that xmax, no log writer older than it runs still. The first read asks
	// both: a log that is caught up already costs one read.
	h, err := q.ReadHorizon(ctx, since)
	if err != nil {
		return h, err
	}
	// Then it polls, at 2 ms and twice as long each time up to 16 ms: a log
	// writer that is still running after a few polls (a long order, on a
	// loaded machine, a function's batch) is likely to run for longer, and
	// each poll is a read of pg_locks.
	pause := 2 * time.Millisecond
	for xmax := h.xmax; h.Tx < xmax; pause = min(2*pause, 16*time.Millisecond) {
		if !mohalla.Sleep(ctx, pause) {
			return h, ctx.Err()
		}
		if h, err = q.ReadHorizon(ctx, h.Next()); err != nil {
			return h, err
		}
	}
	return h, nil
}

// PopularProduct is a product and how many units of it were ordered.
type PopularProduct struct {
	ProductID string
	Units     int64
}

// PopularProducts returns the limit products of which the most units were
// ordered since the time given, most first, leaving out discontinued ones.
func (q *Q) PopularProducts(ctx context.Context, since time.Time, limit int) ([]PopularProduct, error) {
	rs, err := q.q.query(ctx, `SELECT i.product_id, sum(i.quantity) AS units
		FROM order_items i JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id
		WHERE o.created_at >= $1 AND p.deleted_at IS NULL
		GROUP BY i.product_id ORDER BY units DESC, i.product_id LIMIT $2`, since.UTC(), limit)
	return collect(rs, err, func(r row) (PopularProduct, error) {
		var p PopularProduct
		err := r.Scan(&p.ProductID, &p.Units)
		return p, err
	})
}

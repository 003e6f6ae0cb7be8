package store

import (
	"context"
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
	err = q.q.queryRow(ctx, q.d.sql(logHeadSQL), h).Scan(&p.Tx, &p.ID)
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
// call has ended (the log's reader waits for them, see ReadEvents). Tests and callers that must
// read their own writes use it.
func (q *Q) CatchUp(ctx context.Context) error {
	// It waits until the log's horizon passes the xmax it saw first: then no
	// log writer that was running at the call is running still. The first
	// statement asks both: log_visible_xid takes a snapshot of its own, after
	// the statement's, so a log that is caught up already costs one round
	// trip, not two.
	first := q.d.sql(catchUpSQL.first)
	if first == "" {
		return nil
	}
	var (
		xmax string
		done bool
	)
	if err := q.q.queryRow(ctx, first).Scan(&xmax, &done); err != nil {
		return err
	}
	for !done {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
		if err := q.q.queryRow(ctx, q.d.sql(catchUpSQL.done), xmax).Scan(&done); err != nil {
			return err
		}
	}
	return nil
}

// catchUpSQL is PostgreSQL's only: on SQLite writers take turns, and a
// commit is in the log once it returns.
var catchUpSQL = struct{ first, done query }{
	first: query{postgres: `SELECT x::text, log_visible_xid() >= x FROM pg_snapshot_xmax(pg_current_snapshot()) AS x`},
	done:  query{postgres: `SELECT log_visible_xid() >= $1::text::xid8`},
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

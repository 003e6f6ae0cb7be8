package store

import (
	"context"
	"errors"
)

// ErrAlreadyCounted is the error of a transaction in which CountOrderPlacedLater
// found its event counted already: it rolled back, and wrote nothing.
var ErrAlreadyCounted = errors.New("store: event already counted")

// OrderPlaced is what a placed order adds to the figures, all on its day
// (CountOrderPlacedLater).
type OrderPlaced struct {
	Day string
	// Products are the order's lines (a product's lines add up, each an
	// order); Orders, Units and Revenue are counted.
	Products []ProductDay
	Shop     ShopDay  // Orders and Revenue are counted
	Customer Customer // Orders, Spend and the order times are counted
	// The order enters Status at TS (Unix ms), as EnterStatus, and the funnel
	// counts the entry on Day, with the stay too if the exit was recorded first.
	OrderID, Status string
	TS              int64
}

// CountOrderPlacedLater marks the event eventID counted by consumer (as
// MarkProcessed) and, if it was not, adds p's counters: the product, shop and
// customer counters, the order's entry into its status and the funnel's, in
// one statement held with the transaction's COMMIT (Tx.later), where
// MarkProcessed and the Add methods take six and two round trips. If the
// event was counted already the statement fails, and the transaction with it,
// with ErrAlreadyCounted. The rows are written in the order the Add methods
// are called in (analytics.orderCreated), to keep lock waits short and free
// of deadlocks. On SQLite it does nothing and returns errors.ErrUnsupported:
// count with those methods.
func (tx *Tx) CountOrderPlacedLater(ctx context.Context, consumer, eventID string, p OrderPlaced) error {
	pipe, ok := tx.q.(*pgxPipeline)
	if !ok {
		return errors.ErrUnsupported
	}
	// Planned for its arguments, as PostgreSQL does a prepared statement's
	// first five runs on each connection, it costs several times its run.
	pipe.genericPlans()
	products, units, revenue := make([]string, len(p.Products)), make([]int64, len(p.Products)), make([]int64, len(p.Products))
	for i, d := range p.Products {
		products[i], units[i], revenue[i] = d.ProductID, d.Units, int64(d.Revenue)
	}
	var first, last *int64
	if c := p.Customer; c.FirstOrderTS != 0 {
		first = &c.FirstOrderTS
	}
	if c := p.Customer; c.LastOrderTS != 0 {
		last = &c.LastOrderTS
	}
	return tx.hold(ctx, heldStmt{what: "count order", sql: countOrderPlacedSQL,
		args: []any{consumer, eventID, p.TS, p.Day, p.Shop.ShopID, products, units, revenue, int64(p.Shop.Revenue),
			p.Customer.UserID, int64(p.Customer.Spend), first, last, p.OrderID, p.Status},
		errOf: func(err error) error {
			if pgCode(err) == noRowChanged {
				return ErrAlreadyCounted
			}
			return err
		}})
}

// countOrderPlacedSQL is CountOrderPlacedLater's statement: each step reads
// the one before it, so they run in order (products by id), and only if the event was not
// marked before (p). It ends dividing by the count of p's rows, failing
// (noRowChanged) if there is none. The funnel's entry is analytics.enter's
// rule: one entered, and if the order's exit from the status was recorded
// first, one exited and the time between.
const countOrderPlacedSQL = `WITH p AS (
		INSERT INTO analytics_processed (consumer, event_id, ts) VALUES ($1, $2, $3)
		ON CONFLICT (consumer, event_id) DO NOTHING RETURNING 1),
	pd AS (
		INSERT INTO analytics_product_daily AS a (product_id, day, shop_id, orders, units, revenue)
		SELECT v.product_id, $4, $5, count(*), sum(v.units), sum(v.revenue)
		FROM unnest(CAST($6 AS text[]), CAST($7 AS bigint[]), CAST($8 AS bigint[])) AS v (product_id, units, revenue)
		WHERE EXISTS (SELECT 1 FROM p) GROUP BY v.product_id ORDER BY v.product_id
		ON CONFLICT (product_id, day) DO UPDATE SET
			orders = a.orders + excluded.orders, units = a.units + excluded.units, revenue = a.revenue + excluded.revenue
		RETURNING 1),
	sd AS (
		INSERT INTO analytics_shop_daily AS a (shop_id, day, orders, revenue)
		SELECT $5, $4, 1, $9 FROM (SELECT count(*) FROM pd) AS prev WHERE EXISTS (SELECT 1 FROM p)
		ON CONFLICT (shop_id, day) DO UPDATE SET orders = a.orders + excluded.orders, revenue = a.revenue + excluded.revenue
		RETURNING 1),
	cu AS (
		INSERT INTO analytics_customers AS a (user_id, orders, spend, first_order_ts, last_order_ts)
		SELECT $10, 1, $11, CAST($12 AS bigint), CAST($13 AS bigint) FROM (SELECT count(*) FROM sd) AS prev WHERE EXISTS (SELECT 1 FROM p)
		ON CONFLICT (user_id) DO UPDATE SET
			orders = a.orders + excluded.orders,
			spend = a.spend + excluded.spend,
			first_order_ts = CASE WHEN a.first_order_ts IS NULL OR excluded.first_order_ts < a.first_order_ts
				THEN excluded.first_order_ts ELSE a.first_order_ts END,
			last_order_ts = CASE WHEN a.last_order_ts IS NULL OR excluded.last_order_ts > a.last_order_ts
				THEN excluded.last_order_ts ELSE a.last_order_ts END
		RETURNING 1),
	os AS (
		INSERT INTO analytics_order_status AS a (order_id, status, shop_id, entered_ts)
		SELECT $14, $15, $5, $3 FROM (SELECT count(*) FROM cu) AS prev WHERE EXISTS (SELECT 1 FROM p)
		ON CONFLICT (order_id, status) DO UPDATE SET entered_ts = excluded.entered_ts
		RETURNING coalesce(exited_ts, 0) AS exited),
	f AS (
		INSERT INTO analytics_funnel AS a (shop_id, day, status, entered, exited, total_ms)
		SELECT $5, $4, $15, 1, CASE WHEN os.exited <> 0 THEN 1 ELSE 0 END,
			CASE WHEN os.exited <> 0 THEN greatest(os.exited - $3, 0) ELSE 0 END
		FROM os
		ON CONFLICT (shop_id, day, status) DO UPDATE SET
			entered = a.entered + excluded.entered, exited = a.exited + excluded.exited, total_ms = a.total_ms + excluded.total_ms
		RETURNING 1)
	SELECT 1 / count(*) FROM p, (SELECT count(*) FROM f) AS prev`

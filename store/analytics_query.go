package store

import (
	"context"
	"database/sql"

	"github.com/mohallamart/mohalla"
)

// The analytics counters. Writes add to them (a counter is never set, so writes
// commute and functions may run in any order); reads sum them over days, which
// are "YYYY-MM-DD" strings and so compare as dates.

// MarkProcessed records that consumer counted the event, which happened at ts
// (Unix ms; the marker is pruned once that day is final). It returns false if
// it had already: the caller then counts nothing, in the same transaction.
func (tx *Tx) MarkProcessed(ctx context.Context, consumer, eventID string, ts int64) (bool, error) {
	n, err := tx.q.exec(ctx, `INSERT INTO analytics_processed (consumer, event_id, ts) VALUES ($1, $2, $3)
		ON CONFLICT (consumer, event_id) DO NOTHING`, consumer, eventID, ts)
	return n == 1, err
}

// ProductDay is one product's counters for one day. Orders, Units and Revenue are
// gross, as placed; the Cancelled ones are the part of those orders cancelled
// since.
type ProductDay struct {
	ProductID        string
	ShopID           string
	Day              string
	Orders           int64
	Units            int64
	Revenue          mohalla.Money
	CancelledOrders  int64
	CancelledUnits   int64
	CancelledRevenue mohalla.Money
	Views            int64
}

// AddProductDay adds d's counters to those of (d.ProductID, d.Day).
func (tx *Tx) AddProductDay(ctx context.Context, d ProductDay) error {
	return tx.later(ctx, "add product day", `INSERT INTO analytics_product_daily AS a (product_id, day, shop_id, orders, units, revenue,
			cancelled_orders, cancelled_units, cancelled_revenue, views)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (product_id, day) DO UPDATE SET
			orders = a.orders + excluded.orders,
			units = a.units + excluded.units,
			revenue = a.revenue + excluded.revenue,
			cancelled_orders = a.cancelled_orders + excluded.cancelled_orders,
			cancelled_units = a.cancelled_units + excluded.cancelled_units,
			cancelled_revenue = a.cancelled_revenue + excluded.cancelled_revenue,
			views = a.views + excluded.views`,
		d.ProductID, d.Day, d.ShopID, d.Orders, d.Units, d.Revenue, d.CancelledOrders, d.CancelledUnits,
		d.CancelledRevenue, d.Views)
}

// ProductDays returns a product's counters for the days from to to (inclusive)
// that have any, in day order.
func (q *Q) ProductDays(ctx context.Context, productID, from, to string) ([]ProductDay, error) {
	rs, err := q.q.query(ctx, `SELECT product_id, shop_id, day, orders, units, revenue, cancelled_orders, cancelled_units,
			cancelled_revenue, views
		FROM analytics_product_daily WHERE product_id = $1 AND day >= $2 AND day <= $3 ORDER BY day`, productID, from, to)
	if err != nil {
		return nil, err
	}
	return scanProductDays(rs)
}

func scanProductDays(rs rows) ([]ProductDay, error) {
	defer rs.Close()
	var out []ProductDay
	for rs.Next() {
		var d ProductDay
		if err := rs.Scan(&d.ProductID, &d.ShopID, &d.Day, &d.Orders, &d.Units, &d.Revenue, &d.CancelledOrders,
			&d.CancelledUnits, &d.CancelledRevenue, &d.Views); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rs.Err()
}

// TopProductFilter selects the products TopProducts ranks.
type TopProductFilter struct {
	ShopID   string // "" for every shop
	From, To string // days, inclusive
	Limit    int
}

// TopProduct is a product's counters summed over a range of days, with its name
// ("" if the product row is gone). Day is "".
type TopProduct struct {
	ProductDay
	Name string
}

// TopProducts ranks the products with any counts in the range by net revenue,
// then net units, then views, then id.
func (q *Q) TopProducts(ctx context.Context, f TopProductFilter) ([]TopProduct, error) {
	rs, err := q.q.query(ctx, `SELECT a.product_id, a.shop_id, coalesce(p.name, ''),
			CAST(sum(a.orders) AS bigint), CAST(sum(a.units) AS bigint), CAST(sum(a.revenue) AS bigint),
			CAST(sum(a.cancelled_orders) AS bigint), CAST(sum(a.cancelled_units) AS bigint),
			CAST(sum(a.cancelled_revenue) AS bigint), CAST(sum(a.views) AS bigint)
		FROM analytics_product_daily a LEFT JOIN products p ON p.id = a.product_id
		WHERE a.day >= $1 AND a.day <= $2 AND ($3 = '' OR a.shop_id = $3)
		GROUP BY a.product_id, a.shop_id, p.name
		ORDER BY sum(a.revenue - a.cancelled_revenue) DESC, sum(a.units - a.cancelled_units) DESC, sum(a.views) DESC,
			a.product_id
		LIMIT $4`, f.From, f.To, f.ShopID, f.Limit)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []TopProduct
	for rs.Next() {
		var t TopProduct
		d := &t.ProductDay
		if err := rs.Scan(&d.ProductID, &d.ShopID, &t.Name, &d.Orders, &d.Units, &d.Revenue, &d.CancelledOrders,
			&d.CancelledUnits, &d.CancelledRevenue, &d.Views); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rs.Err()
}

// ShopDay is one shop's counters for one day: orders placed that day and their
// gross revenue, the part of those orders cancelled since, and the
// cancellations made that day (of orders of any day).
type ShopDay struct {
	ShopID           string
	Day              string
	Orders           int64
	Revenue          mohalla.Money
	CancelledOrders  int64
	CancelledRevenue mohalla.Money
	Cancellations    int64
}

// AddShopDay adds d's counters to those of (d.ShopID, d.Day).
func (tx *Tx) AddShopDay(ctx context.Context, d ShopDay) error {
	return tx.later(ctx, "add shop day", `INSERT INTO analytics_shop_daily AS a (shop_id, day, orders, revenue, cancelled_orders,
			cancelled_revenue, cancellations)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (shop_id, day) DO UPDATE SET
			orders = a.orders + excluded.orders,
			revenue = a.revenue + excluded.revenue,
			cancelled_orders = a.cancelled_orders + excluded.cancelled_orders,
			cancelled_revenue = a.cancelled_revenue + excluded.cancelled_revenue,
			cancellations = a.cancellations + excluded.cancellations`,
		d.ShopID, d.Day, d.Orders, d.Revenue, d.CancelledOrders, d.CancelledRevenue, d.Cancellations)
}

// ShopDays returns a shop's counters for the days from to to (inclusive) that
// have any, in day order.
func (q *Q) ShopDays(ctx context.Context, shopID, from, to string) ([]ShopDay, error) {
	rs, err := q.q.query(ctx, `SELECT shop_id, day, orders, revenue, cancelled_orders, cancelled_revenue, cancellations
		FROM analytics_shop_daily WHERE shop_id = $1 AND day >= $2 AND day <= $3 ORDER BY day`, shopID, from, to)
	return collect(rs, err, func(r row) (ShopDay, error) {
		var d ShopDay
		err := r.Scan(&d.ShopID, &d.Day, &d.Orders, &d.Revenue, &d.CancelledOrders, &d.CancelledRevenue,
			&d.Cancellations)
		return d, err
	})
}

// Customer is a customer's counters: the orders placed and their gross spend,
// the part cancelled since, and the times (Unix milliseconds) of the first and
// last order, 0 if unknown.
type Customer struct {
	UserID          string
	Orders          int64
	Spend           mohalla.Money
	CancelledOrders int64
	CancelledSpend  mohalla.Money
	FirstOrderTS    int64
	LastOrderTS     int64
}

// AddCustomer adds c's counters to the customer's and widens the first and
// last order times to include c's (0 leaves them as they are).
func (tx *Tx) AddCustomer(ctx context.Context, c Customer) error {
	var first, last *int64
	if c.FirstOrderTS != 0 {
		first = &c.FirstOrderTS
	}
	if c.LastOrderTS != 0 {
		last = &c.LastOrderTS
	}
	return tx.later(ctx, "add customer", `INSERT INTO analytics_customers AS a (user_id, orders, spend, cancelled_orders,
			cancelled_spend, first_order_ts, last_order_ts)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (user_id) DO UPDATE SET
			orders = a.orders + excluded.orders,
			spend = a.spend + excluded.spend,
			cancelled_orders = a.cancelled_orders + excluded.cancelled_orders,
			cancelled_spend = a.cancelled_spend + excluded.cancelled_spend,
			first_order_ts = CASE WHEN a.first_order_ts IS NULL OR excluded.first_order_ts < a.first_order_ts
				THEN excluded.first_order_ts ELSE a.first_order_ts END,
			last_order_ts = CASE WHEN a.last_order_ts IS NULL OR excluded.last_order_ts > a.last_order_ts
				THEN excluded.last_order_ts ELSE a.last_order_ts END`,
		c.UserID, c.Orders, c.Spend, c.CancelledOrders, c.CancelledSpend, first, last)
}

// CustomerCounters returns a customer's counters, or ErrNotFound if nothing was
// counted for them.
func (q *Q) CustomerCounters(ctx context.Context, userID string) (Customer, error) {
	var c Customer
	var first, last sql.NullInt64
	err := q.q.queryRow(ctx, `SELECT user_id, orders, spend, cancelled_orders, cancelled_spend, first_order_ts, last_order_ts
		FROM analytics_customers WHERE user_id = $1`, userID).
		Scan(&c.UserID, &c.Orders, &c.Spend, &c.CancelledOrders, &c.CancelledSpend, &first, &last)
	c.FirstOrderTS, c.LastOrderTS = first.Int64, last.Int64
	return c, err
}

// EnterStatus records when an order entered a status and returns when it left
// it, if that was recorded first (0 if not).
func (tx *Tx) EnterStatus(ctx context.Context, orderID, status, shopID string, ts int64) (exited int64, err error) {
	var x sql.NullInt64
	err = tx.q.queryRow(ctx, `INSERT INTO analytics_order_status AS a (order_id, status, shop_id, entered_ts)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (order_id, status) DO UPDATE SET entered_ts = excluded.entered_ts
		RETURNING exited_ts`, orderID, status, shopID, ts).Scan(&x)
	return x.Int64, err
}

// ExitStatus records when an order left a status and returns when it entered
// it, if that was recorded first (0 if not).
func (tx *Tx) ExitStatus(ctx context.Context, orderID, status, shopID string, ts int64) (entered int64, err error) {
	var x sql.NullInt64
	err = tx.q.queryRow(ctx, `INSERT INTO analytics_order_status AS a (order_id, status, shop_id, exited_ts)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (order_id, status) DO UPDATE SET exited_ts = excluded.exited_ts
		RETURNING entered_ts`, orderID, status, shopID, ts).Scan(&x)
	return x.Int64, err
}

// FunnelStage is the funnel's counters for one status: how many orders entered
// it, how many of those left it, and their total time in it. As a delta for
// AddFunnel it is keyed by shop and the day the orders entered the status.
type FunnelStage struct {
	ShopID  string
	Day     string
	Status  string
	Entered int64
	Exited  int64
	TotalMS int64
}

// AddFunnel adds f's counters to those of (f.ShopID, f.Day, f.Status).
func (tx *Tx) AddFunnel(ctx context.Context, f FunnelStage) error {
	return tx.later(ctx, "add funnel", `INSERT INTO analytics_funnel AS a (shop_id, day, status, entered, exited, total_ms)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (shop_id, day, status) DO UPDATE SET
			entered = a.entered + excluded.entered,
			exited = a.exited + excluded.exited,
			total_ms = a.total_ms + excluded.total_ms`,
		f.ShopID, f.Day, f.Status, f.Entered, f.Exited, f.TotalMS)
}

// Funnel sums the funnel's counters per status over the orders that entered a
// status between the days from and to (inclusive), of one shop or, with shopID
// "", of all. ShopID and Day of the results are "".
func (q *Q) Funnel(ctx context.Context, shopID, from, to string) ([]FunnelStage, error) {
	rs, err := q.q.query(ctx, `SELECT status, CAST(sum(entered) AS bigint), CAST(sum(exited) AS bigint),
			CAST(sum(total_ms) AS bigint)
		FROM analytics_funnel WHERE ($1 = '' OR shop_id = $1) AND day >= $2 AND day <= $3
		GROUP BY status ORDER BY status`, shopID, from, to)
	return collect(rs, err, func(r row) (FunnelStage, error) {
		var f FunnelStage
		err := r.Scan(&f.Status, &f.Entered, &f.Exited, &f.TotalMS)
		return f, err
	})
}

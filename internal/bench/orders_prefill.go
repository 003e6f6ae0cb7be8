package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla/internal/demo"
)

// prefillChunk is how many orders one pre-fill transaction inserts.
const prefillChunk = 100_000

// prefillOrders puts count delivered orders of n's customers and products in
// the database at dbURL, each with its line and its order/created event, so
// that the measured orders meet tables and indexes of that size. It is set-up,
// not the path being measured: plain INSERT … SELECT from generate_series, as
// the tables' owner, in transactions of prefillChunk orders, then ANALYZE.
func prefillOrders(ctx context.Context, dbURL string, n *demo.Neighbourhood, count int, log *slog.Logger) error {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var users, addrs, products, names, shops []string
	var prices []int64
	for _, p := range n.Customers() {
		b, err := json.Marshal(p.Home)
		if err != nil {
			return err
		}
		users, addrs = append(users, p.ID), append(addrs, string(b))
	}
	for _, p := range n.Products {
		products, names, shops = append(products, p.ID), append(names, p.Name), append(shops, p.ShopID)
		prices = append(prices, int64(p.Price))
	}
	log.InfoContext(ctx, "pre-filling orders (set-up, not measured)", slog.Int("orders", count))
	start := time.Now()
	// Order g is of customer g mod users, one of product (g·7919) mod
	// products; ids have a ULID's length.
	const rows = `
WITH g AS (
  SELECT g, 'pf' || lpad(g::text, 24, '0') AS id, 1 + g % cardinality(@users::text[]) AS u,
         1 + (g * 7919) % cardinality(@products::text[]) AS p,
         now() - make_interval(secs => (@to::bigint - g)) AS at
  FROM generate_series(@from::bigint, @to::bigint) AS g)`
	stmts := []string{
		rows + `
INSERT INTO orders (id, user_id, shop_id, total, status, address, version, created_at, updated_at)
SELECT id, (@users::text[])[u], (@shops::text[])[p], (@prices::bigint[])[p], 'delivered', (@addrs::text[])[u]::jsonb, 4, at, at FROM g`,
		rows + `
INSERT INTO order_items (order_id, line, product_id, name, quantity, price)
SELECT id, 1, (@products::text[])[p], (@names::text[])[p], 1, (@prices::bigint[])[p] FROM g`,
		rows + `
INSERT INTO events (event_id, name, data, caller, ts)
SELECT id, 'order/created', jsonb_build_object('orderId', id, 'userId', (@users::text[])[u], 'shopId', (@shops::text[])[p],
       'items', jsonb_build_array(jsonb_build_object('productId', (@products::text[])[p], 'name', (@names::text[])[p],
                'quantity', 1, 'price', (@prices::bigint[])[p])),
       'totalAmount', (@prices::bigint[])[p], 'status', 'pending', 'deliveryAddress', (@addrs::text[])[u]::jsonb),
       NULL, (extract(epoch FROM at) * 1000)::bigint FROM g`,
	}
	for from := 1; from <= count; from += prefillChunk {
		to := min(count, from+prefillChunk-1)
		if err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			// Row-level security binds the tables' owner too (FORCE); the
			// events come after the orders, so the transaction is a log
			// writer from its start (store.Store.InEventTx).
			if _, err := tx.Exec(ctx, "SELECT set_config('app.role', 'system', true), log_writer_begin()"); err != nil {
				return err
			}
			for _, s := range stmts {
				if _, err := tx.Exec(ctx, s, pgx.NamedArgs{"from": from, "to": to, "users": users, "addrs": addrs,
					"products": products, "names": names, "shops": shops, "prices": prices}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return fmt.Errorf("pre-fill orders %d to %d: %w", from, to, err)
		}
	}
	if _, err := conn.Exec(ctx, "ANALYZE orders, order_items, events"); err != nil {
		return err
	}
	log.InfoContext(ctx, "pre-filled", slog.Int("orders", count), slog.Duration("took", time.Since(start)))
	return nil
}

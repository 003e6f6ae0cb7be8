package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// rlsFixture is two customers, two shop owners with a shop each, and in each
// shop a product, an order with its line, a webhook, a day of analytics; a
// notification per user, an API key, an event and audit rows. The event comes
// first: a transaction appends events only before its first other write, or
// as a log writer from its start (migration 032).
const rlsFixture = `
INSERT INTO events (event_id, name, data, ts) VALUES ('e1', 'order/created', '{}', 0);
INSERT INTO users (id, email, name, created_at, updated_at) VALUES
	('c1', 'c1@x', 'C1', now(), now()), ('c2', 'c2@x', 'C2', now(), now()),
	('o1', 'o1@x', 'O1', now(), now()), ('o2', 'o2@x', 'O2', now(), now());
INSERT INTO shops (id, name, owner_id, lat, lng, pincode, created_at, updated_at) VALUES
	('s1', 'S1', 'o1', 19, 72, '400001', now(), now()), ('s2', 'S2', 'o2', 19, 72, '400001', now(), now());
INSERT INTO products (id, shop_id, name, price, category, stock, created_at, updated_at) VALUES
	('p1', 's1', 'P1', 100, 'fruits', 10, now(), now()), ('p2', 's2', 'P2', 100, 'fruits', 10, now(), now());
INSERT INTO orders (id, user_id, shop_id, total, status, address, created_at, updated_at) VALUES
	('oa', 'c1', 's1', 100, 'pending', '{}', now(), now()), ('ob', 'c2', 's2', 100, 'pending', '{}', now(), now());
INSERT INTO order_items (order_id, line, product_id, name, quantity, price) VALUES
	('oa', 0, 'p1', 'P1', 1, 100), ('ob', 0, 'p2', 'P2', 1, 100);
INSERT INTO notifications (id, user_id, shop_id, channel, template, status, created_at, updated_at) VALUES
	('n1', 'c1', '', 'email', 't', 'sent', now(), now()), ('n2', 'c2', '', 'email', 't', 'sent', now(), now()),
	('n3', 'o1', 's1', 'webhook', 't', 'sent', now(), now());
INSERT INTO shop_webhooks (shop_id, url, secret, created_at, updated_at) VALUES
	('s1', 'https://a', 'x', now(), now()), ('s2', 'https://b', 'x', now(), now());
INSERT INTO analytics_shop_daily (shop_id, day, orders) VALUES ('s1', '2026-01-01', 1), ('s2', '2026-01-01', 1);
INSERT INTO api_keys (id, name, secret_hash, created_by, created_at) VALUES ('k1', 'k', 'h', 'admin', now());
INSERT INTO audit (at, actor_id, actor_role, action, entity, entity_id) VALUES
	(now(), 'c1', 'customer', 'order.create', 'order', 'oa'), (now(), 'c2', 'customer', 'order.create', 'order', 'ob')`

// TestRowLevelSecurity connects as the application's role (store.AppRole, as
// the store does) and runs raw SQL with one caller at a time: each sees only
// the rows market/authorize.go lets it read, changes none it may not, and a
// transaction that names no caller sees nothing at all.
func TestRowLevelSecurity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := fixtureConn(t, rlsFixture)

	as(t, conn, "c1", "customer", func(tx pgx.Tx) {
		var user string
		var super, owns bool
		if err := tx.QueryRow(ctx, `SELECT current_user::text, rolsuper, pg_has_role(current_user, tableowner, 'USAGE')
			FROM pg_roles, pg_tables WHERE rolname = current_user AND tablename = 'orders'`).Scan(&user, &super, &owns); err != nil {
			t.Fatal(err)
		}
		if user != store.AppRole || super || owns {
			t.Fatalf("running as %s (superuser %v, owns the tables %v), want %s, neither", user, super, owns, store.AppRole)
		}
	})

	visible := []struct {
		caller, role string
		want         map[string]string // table: its ids visible, in order
	}{
		{"c1", "customer", map[string]string{"users": "c1", "orders": "oa", "order_items": "oa", "notifications": "n1",
			"shops": "s1 s2", "products": "p1 p2", "shop_webhooks": "", "analytics_shop_daily": "", "api_keys": "",
			"events": "", "audit": "oa"}},
		{"o1", "shop_owner", map[string]string{"users": "o1", "orders": "oa", "order_items": "oa", "notifications": "n3",
			"shops": "s1 s2", "products": "p1 p2", "shop_webhooks": "s1", "analytics_shop_daily": "s1", "api_keys": "",
			"events": "", "audit": "oa"}},
		{"", "anonymous", map[string]string{"users": "", "orders": "", "order_items": "", "notifications": "",
			"shops": "s1 s2", "products": "p1 p2", "shop_webhooks": "", "analytics_shop_daily": "", "api_keys": "",
			"events": "", "audit": ""}},
		{"", "", map[string]string{"users": "", "orders": "", "order_items": "", "notifications": "",
			"shops": "", "products": "", "shop_webhooks": "", "analytics_shop_daily": "", "api_keys": "",
			"events": "", "audit": ""}},
		{"a1", "admin", map[string]string{"users": "c1 c2 o1 o2", "orders": "oa ob", "order_items": "oa ob",
			"notifications": "n1 n2 n3", "shops": "s1 s2", "products": "p1 p2", "shop_webhooks": "s1 s2",
			"analytics_shop_daily": "s1 s2", "api_keys": "k1", "events": "e1", "audit": "oa ob"}},
	}
	ids := map[string]string{"users": "id", "orders": "id", "order_items": "order_id", "notifications": "id",
		"shops": "id", "products": "id", "shop_webhooks": "shop_id", "analytics_shop_daily": "shop_id",
		"api_keys": "id", "events": "event_id", "audit": "entity_id"}
	for _, c := range visible {
		as(t, conn, c.caller, c.role, func(tx pgx.Tx) {
			for table, want := range c.want {
				var got string
				q := fmt.Sprintf(`SELECT coalesce(string_agg(%s, ' ' ORDER BY %[1]s), '') FROM %s`, ids[table], table)
				if err := tx.QueryRow(ctx, q).Scan(&got); err != nil {
					t.Fatalf("%s: %v", table, err)
				}
				if got != want {
					t.Errorf("caller %q (%q) sees %s %q, want %q", c.caller, c.role, table, got, want)
				}
			}
		})
	}

	// Writes: the rows changed (or the error's SQLSTATE) of each statement,
	// each in a transaction of its own that is rolled back.
	writes := []struct {
		caller, role, sql string
		want              string // "n rows" or a SQLSTATE
	}{
		{"c1", "customer", `UPDATE users SET name = 'x' WHERE id = 'c2'`, "0 rows"},
		{"c1", "customer", `UPDATE users SET name = 'x' WHERE id = 'c1'`, "1 rows"},
		{"c1", "customer", `UPDATE orders SET status = 'cancelled' WHERE id = 'ob'`, "0 rows"},
		{"c1", "customer", `UPDATE orders SET status = 'cancelled'`, "0 rows"},
		{"c1", "customer", `DELETE FROM notifications`, "0 rows"},
		{"c1", "customer", `INSERT INTO orders (id, user_id, shop_id, total, status, address, created_at, updated_at)
			VALUES ('oc', 'c2', 's1', 1, 'pending', '{}', now(), now())`, "42501"},
		{"c1", "customer", `INSERT INTO orders (id, user_id, shop_id, total, status, address, created_at, updated_at)
			VALUES ('oc', 'c1', 's1', 1, 'pending', '{}', now(), now())`, "1 rows"},
		{"c1", "customer", `UPDATE products SET stock = stock - 1 WHERE id = 'p2'`, "1 rows"},
		{"c1", "customer", `UPDATE products SET price = 1 WHERE id = 'p2'`, "42501"},
		{"c1", "customer", `UPDATE products SET stock = stock + 5 WHERE id = 'p2'`, "42501"},
		{"c1", "customer", `UPDATE shop_webhooks SET url = 'https://evil'`, "0 rows"},
		{"c1", "customer", `UPDATE audit SET action = 'x'`, "42501"},
		{"c1", "customer", `DELETE FROM audit`, "42501"},
		{"c1", "customer", `INSERT INTO audit (at, actor_id, actor_role, action, entity, entity_id)
			VALUES (now(), 'c2', 'customer', 'forged', 'order', 'ob')`, "42501"},
		{"o1", "shop_owner", `UPDATE orders SET status = 'confirmed'`, "1 rows"},
		{"o1", "shop_owner", `UPDATE orders SET status = 'confirmed' WHERE id = 'ob'`, "0 rows"},
		{"o1", "shop_owner", `UPDATE products SET price = 1`, "1 rows"},
		{"o1", "shop_owner", `UPDATE products SET price = 1 WHERE id = 'p2'`, "0 rows"},
		{"o1", "shop_owner", `UPDATE shop_webhooks SET url = 'https://evil'`, "1 rows"},
		{"o1", "shop_owner", `INSERT INTO products (id, shop_id, name, price, category, stock, created_at, updated_at)
			VALUES ('p3', 's2', 'P3', 1, 'fruits', 1, now(), now())`, "42501"},
		{"o1", "shop_owner", `UPDATE shops SET name = 'x'`, "1 rows"},
		{"o1", "shop_owner", `UPDATE users SET name = 'x'`, "1 rows"},
		{"", "", `UPDATE products SET stock = 0`, "0 rows"},
		{"", "", `UPDATE orders SET status = 'cancelled'`, "0 rows"},
		{"", "", `INSERT INTO events (event_id, name, data, ts) VALUES ('e2', 'x', '{}', 0)`, "42501"},
		{"", "anonymous", `UPDATE products SET stock = 0`, "0 rows"},
		{"a1", "admin", `UPDATE audit SET action = 'x'`, "42501"},
	}
	for _, w := range writes {
		as(t, conn, w.caller, w.role, func(tx pgx.Tx) {
			got := ""
			if _, err := tx.Exec(ctx, "SAVEPOINT s"); err != nil {
				t.Fatal(err)
			}
			tag, err := tx.Exec(ctx, w.sql)
			var pe *pgconn.PgError
			switch {
			case errors.As(err, &pe):
				got = pe.Code
			case err != nil:
				t.Fatal(err)
			default:
				got = fmt.Sprintf("%d rows", tag.RowsAffected())
			}
			if got != w.want {
				t.Errorf("caller %q (%q): %s: %s, want %s", w.caller, w.role, w.sql, got, w.want)
			}
			if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT s"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// as runs fn in a transaction of conn as the application's role with the
// caller id and role set as the store sets them ("" for none), and rolls it
// back unless the caller is the system seeding the fixture.
func as(t *testing.T, conn *pgx.Conn, id, role string, fn func(pgx.Tx)) {
	t.Helper()
	ctx := context.Background()
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck
	mustExec(t, tx, `SELECT set_config('role', $1, true), set_config('app.user_id', $2, true), set_config('app.role', $3, true)`,
		store.AppRole, id, role)
	fn(tx)
	if role == "system" {
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

func mustExec(t *testing.T, tx pgx.Tx, sql string, args ...any) {
	t.Helper()
	if _, err := tx.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func splitSQL(s string) []string { return strings.Split(s, ";\n") }

// fixtureConn connects, as the tables' owner, to a new database migrated as
// the server's is and holding the rows of fixtures, each statements ending
// in ";\n", written as the system.
func fixtureConn(t *testing.T, fixtures ...string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	url := storetest.NewDatabase(t)
	storetest.OpenConfig(t, store.Config{URL: url, MaxConns: 2}).Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	as(t, conn, "system:test", "system", func(tx pgx.Tx) {
		for _, f := range fixtures {
			for _, stmt := range splitSQL(f) {
				mustExec(t, tx, stmt)
			}
		}
	})
	return conn
}

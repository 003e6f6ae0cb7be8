package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// shopFixture adds to rlsFixture a row per shop in each table whose policies
// test a shop's owner (migration 023 spells that test out in each).
const shopFixture = `
INSERT INTO webhook_deliveries (notification_id, shop_id, url, attempt, at) VALUES
	('n3', 's1', 'https://a', 1, now()), ('n3', 's2', 'https://b', 1, now());
INSERT INTO analytics_product_daily (product_id, day, shop_id) VALUES ('p1', '2026-01-01', 's1'), ('p2', '2026-01-01', 's2');
INSERT INTO analytics_order_status (order_id, status, shop_id) VALUES ('oa', 'pending', 's1'), ('ob', 'pending', 's2');
INSERT INTO analytics_funnel (shop_id, day, status) VALUES ('s1', '2026-01-01', 'pending'), ('s2', '2026-01-01', 'pending')`

// TestRowLevelSecurityShopOwner checks each policy that lets a shop's owner
// at their shop's rows, from both sides: the owner of s1 reads and changes
// s1's rows and none of s2's, and a customer, a caller of no role and one
// with no caller at all get none of them, whatever rows they name.
func TestRowLevelSecurityShopOwner(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := fixtureConn(t, rlsFixture, shopFixture)

	reads := map[string]string{"orders": "id", "shop_webhooks": "shop_id", "webhook_deliveries": "shop_id",
		"analytics_product_daily": "shop_id", "analytics_shop_daily": "shop_id", "analytics_order_status": "shop_id",
		"analytics_funnel": "shop_id"}
	visible := []struct {
		caller, role string
		want         map[string]string
	}{
		{"o1", "shop_owner", map[string]string{"orders": "oa", "shop_webhooks": "s1", "webhook_deliveries": "s1",
			"analytics_product_daily": "s1", "analytics_shop_daily": "s1", "analytics_order_status": "s1", "analytics_funnel": "s1"}},
		{"o2", "shop_owner", map[string]string{"orders": "ob", "shop_webhooks": "s2", "webhook_deliveries": "s2",
			"analytics_product_daily": "s2", "analytics_shop_daily": "s2", "analytics_order_status": "s2", "analytics_funnel": "s2"}},
		// o1 as a customer: owning s1 is not enough without the role.
		{"o1", "customer", map[string]string{}},
		{"o1", "", map[string]string{}},
		{"", "", map[string]string{}},
	}
	for _, c := range visible {
		as(t, conn, c.caller, c.role, func(tx pgx.Tx) {
			for table, col := range reads {
				var got string
				q := fmt.Sprintf(`SELECT coalesce(string_agg(%s, ' ' ORDER BY %[1]s), '') FROM %s`, col, table)
				if err := tx.QueryRow(ctx, q).Scan(&got); err != nil {
					t.Fatalf("%s: %v", table, err)
				}
				if got != c.want[table] {
					t.Errorf("caller %q (%q) sees %s %q, want %q", c.caller, c.role, table, got, c.want[table])
				}
			}
		})
	}

	newProduct := func(id, shop string) string {
		return `INSERT INTO products (id, shop_id, name, price, category, stock, created_at, updated_at)
			VALUES ('` + id + `', '` + shop + `', 'P', 1, 'fruits', 1, now(), now())`
	}
	writes := []struct {
		caller, role, sql string
		want              string // "n rows" or a SQLSTATE
	}{
		{"o1", "shop_owner", newProduct("p3", "s1"), "1 rows"},
		{"o1", "shop_owner", newProduct("p3", "s2"), "42501"},
		{"o1", "customer", newProduct("p3", "s1"), "42501"},
		{"o1", "", newProduct("p3", "s1"), "42501"},
		{"o1", "shop_owner", `UPDATE products SET price = 7, stock = stock + 1`, "1 rows"},
		{"o1", "shop_owner", `UPDATE products SET shop_id = 's2' WHERE id = 'p1'`, "42501"},
		{"o1", "customer", `UPDATE products SET price = 7 WHERE id = 'p1'`, "42501"},
		{"o1", "", `UPDATE products SET price = 7`, "0 rows"},
		{"o1", "shop_owner", `DELETE FROM products WHERE id = 'p2'`, "0 rows"},
		{"o1", "customer", `DELETE FROM products`, "0 rows"},
		{"o1", "shop_owner", `UPDATE orders SET status = 'confirmed'`, "1 rows"},
		{"o1", "shop_owner", `UPDATE orders SET shop_id = 's2' WHERE id = 'oa'`, "42501"},
		{"o1", "customer", `UPDATE orders SET status = 'confirmed'`, "0 rows"},
		{"o1", "shop_owner", `DELETE FROM shop_webhooks`, "1 rows"},
		{"o1", "shop_owner", `INSERT INTO shop_webhooks (shop_id, url, secret, created_at, updated_at)
			VALUES ('s2', 'https://evil', 'x', now(), now())`, "42501"},
		{"o1", "shop_owner", `UPDATE shop_webhooks SET shop_id = 's2'`, "42501"},
		{"o1", "customer", `UPDATE shop_webhooks SET url = 'https://evil'`, "0 rows"},
		{"o1", "shop_owner", `UPDATE webhook_deliveries SET attempt = 2`, "0 rows"},
		{"o1", "shop_owner", `UPDATE analytics_shop_daily SET orders = 9`, "0 rows"},
	}
	for _, w := range writes {
		as(t, conn, w.caller, w.role, func(tx pgx.Tx) {
			got := ""
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
		})
	}
}

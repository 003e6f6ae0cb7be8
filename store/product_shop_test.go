package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mohallamart/mohalla/store"
)

// shopRefFixture adds to rlsFixture a shop with a product and nothing else
// (s3) and a shop with nothing (s4), which a removal may name.
const shopRefFixture = `
INSERT INTO shops (id, name, owner_id, lat, lng, pincode, created_at, updated_at) VALUES
	('s3', 'S3', 'o1', 19, 72, '400001', now(), now()), ('s4', 'S4', 'o1', 19, 72, '400001', now(), now());
INSERT INTO products (id, shop_id, name, price, category, stock, created_at, updated_at) VALUES
	('p3', 's3', 'P3', 100, 'fruits', 10, now(), now())`

// TestProductShopReference holds products.shop_id to shops.id as the
// foreign key that migration 042 replaced did: no statement leaves a product
// naming no shop, whoever runs it, and the refusal is the foreign key's
// SQLSTATE (which the store reports as ErrMissingRef).
func TestProductShopReference(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := fixtureConn(t, rlsFixture, shopRefFixture)
	newProducts := `INSERT INTO products (id, shop_id, name, price, category, stock, created_at, updated_at)
		SELECT id, shop, 'P', 1, 'fruits', 1, now(), now() FROM unnest($1::text[], $2::text[]) AS v(id, shop)`
	for _, tc := range []struct {
		name, caller, role, sql string
		args                    []any
		want                    string // "" or a SQLSTATE
	}{
		{"a batch of known shops", "a", "admin", newProducts, []any{[]string{"n1", "n2", "n3"}, []string{"s1", "s2", "s1"}}, ""},
		{"a batch with one unknown shop", "a", "admin", newProducts, []any{[]string{"n1", "n2", "n3"}, []string{"s1", "nope", "s2"}}, "23503"},
		{"an owner's own shop", "o1", "shop_owner", newProducts, []any{[]string{"n1"}, []string{"s1"}}, ""},
		{"an owner's unknown shop", "o1", "shop_owner", newProducts, []any{[]string{"n1"}, []string{"nope"}}, "42501"},
		{"a product moved to a shop", "a", "admin", `UPDATE products SET shop_id = 's2' WHERE id = 'p1'`, nil, ""},
		{"a product moved to no shop", "a", "admin", `UPDATE products SET shop_id = 'nope' WHERE id = 'p1'`, nil, "23503"},
		{"a shop with a product removed", "a", "admin", `DELETE FROM shops WHERE id = 's3'`, nil, "23503"},
		{"a shop with a product renamed", "a", "admin", `UPDATE shops SET id = 's3b' WHERE id = 's3'`, nil, "23503"},
		{"a shop with no product removed", "a", "admin", `DELETE FROM shops WHERE id = 's4'`, nil, ""},
		{"a shop with no product renamed", "a", "admin", `UPDATE shops SET id = 's4b' WHERE id = 's4'`, nil, ""},
		{"a shop's name changed", "a", "admin", `UPDATE shops SET name = 'S' WHERE id = 's3'`, nil, ""},
	} {
		as(t, conn, tc.caller, tc.role, func(tx pgx.Tx) {
			_, err := tx.Exec(ctx, tc.sql, tc.args...)
			var pe *pgconn.PgError
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("%s: %v", tc.name, err)
			case tc.want != "" && (!errors.As(err, &pe) || pe.Code != tc.want):
				t.Errorf("%s: %v, want SQLSTATE %s", tc.name, err, tc.want)
			}
		})
	}

	// Outside READ COMMITTED a removal cannot see the products committed
	// after its snapshot: it is refused.
	tx, err := conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead})
	fatalIf(t, err)
	defer tx.Rollback(ctx) //nolint:errcheck
	_, err = tx.Exec(ctx, `DELETE FROM shops WHERE id = 's4'`)
	if pe := (*pgconn.PgError)(nil); !errors.As(err, &pe) || pe.Code != "55000" {
		t.Errorf("a removal in a repeatable-read transaction: %v, want SQLSTATE 55000", err)
	}
}

// TestProductShopReferenceRace races an insert of a shop's product with the
// shop's removal, each order of the two: one of them fails, and no product
// is left naming no shop.
func TestProductShopReferenceRace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := fixtureConn(t, rlsFixture, shopRefFixture)
	other, watch := connect(t, conn), connect(t, conn)
	insert := `INSERT INTO products (id, shop_id, name, price, category, stock, created_at, updated_at)
		SELECT id, 's4', 'P', 1, 'fruits', 1, now(), now() FROM unnest($1::text[]) AS id`
	remove := `DELETE FROM shops WHERE id = 's4'`
	for _, first := range []string{"insert", "remove"} {
		t.Run(first+" first", func(t *testing.T) {
			a, b := begin(t, conn), begin(t, other)
			firstSQL, secondSQL, args := insert, remove, []any{[]string{"r1", "r2"}}
			if first == "remove" {
				firstSQL, secondSQL = remove, insert
			}
			firstArgs, secondArgs := args, []any(nil)
			if first == "remove" {
				firstArgs, secondArgs = nil, args
			}
			if _, err := a.Exec(ctx, firstSQL, firstArgs...); err != nil {
				t.Fatalf("%s: %v", firstSQL, err)
			}
			second := make(chan error, 1)
			go func() { _, err := b.Exec(ctx, secondSQL, secondArgs...); second <- err }()
			waitForLock(t, watch, second)
			fatalIf(t, a.Commit(ctx))
			err := <-second
			if pe := (*pgconn.PgError)(nil); !errors.As(err, &pe) || pe.Code != "23503" {
				t.Errorf("the %s after the %s committed: %v, want SQLSTATE 23503", secondSQL, firstSQL, err)
			}
			_ = b.Rollback(ctx)
			var orphans int
			as(t, conn, "system:test", "system", func(tx pgx.Tx) {
				fatalIf(t, tx.QueryRow(ctx, `SELECT count(*) FROM products p
					WHERE NOT EXISTS (SELECT FROM shops s WHERE s.id = p.shop_id)`).Scan(&orphans))
			})
			if orphans != 0 {
				t.Errorf("%d products name no shop", orphans)
			}
		})
		// Put s4 back, without products, for the other order.
		as(t, conn, "system:test", "system", func(tx pgx.Tx) {
			mustExec(t, tx, `DELETE FROM products WHERE shop_id = 's4'`)
			mustExec(t, tx, `INSERT INTO shops (id, name, owner_id, lat, lng, pincode, created_at, updated_at)
				VALUES ('s4', 'S4', 'o1', 19, 72, '400001', now(), now()) ON CONFLICT DO NOTHING`)
		})
	}
}

// begin opens a READ COMMITTED transaction as an admin on conn.
func begin(t *testing.T, conn *pgx.Conn) pgx.Tx {
	t.Helper()
	tx, err := conn.Begin(context.Background())
	fatalIf(t, err)
	t.Cleanup(func() { _ = tx.Rollback(context.Background()) })
	mustExec(t, tx, `SELECT set_config('role', $1, true), set_config('app.user_id', 'a', true), set_config('app.role', 'admin', true)`,
		store.AppRole)
	return tx
}

// connect opens another connection to conn's database.
func connect(t *testing.T, conn *pgx.Conn) *pgx.Conn {
	t.Helper()
	c, err := pgx.ConnectConfig(context.Background(), conn.Config().Copy())
	fatalIf(t, err)
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func fatalIf(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// waitForLock returns once a backend of conn's database waits for a lock,
// or done holds the outcome of the statement that was to wait.
func waitForLock(t *testing.T, conn *pgx.Conn, done chan error) {
	t.Helper()
	for len(done) == 0 {
		var waiting bool
		err := conn.QueryRow(context.Background(), `SELECT EXISTS (SELECT FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock')`).Scan(&waiting)
		fatalIf(t, err)
		if waiting {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

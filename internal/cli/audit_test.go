package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestAuditListAndVerify: audit list prints the rows a filter selects, newest
// first, with who, what and the fields before and after; audit verify says
// the chain is intact, and after a row is edited behind the triggers' back,
// names that row and exits 1.
func TestAuditListAndVerify(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dir, db := t.TempDir(), ""
			if kind == "postgres" {
				db = storetest.NewDatabase(t)
			}
			st, err := store.Open(ctx, store.Config{URL: db, DataDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			admin := mohalla.Caller{ID: "root", Role: mohalla.RoleAdmin}
			svc := market.New(st, nil)
			_, err = svc.CreateUser(ctx, admin, market.CreateUser{ID: "o1", Email: "o1@example.com", Name: "Owner"})
			if err == nil {
				_, err = svc.CreateShop(ctx, admin, market.CreateShop{ID: "s1", Name: "Shop", OwnerID: "o1",
					Location: &mohalla.Location{Lat: 19, Lng: 72}, Pincode: "400050"})
			}
			price, stock := mohalla.Money(1000), int64(5)
			if err == nil {
				_, err = svc.CreateProduct(ctx, admin, market.CreateProduct{ID: "p1", Name: "Rice", Price: &price,
					Category: "grains", ShopID: "s1", Stock: &stock})
			}
			if err == nil {
				_, err = svc.ChangeStock(ctx, admin, "p1", market.ChangeStock{Delta: 3, Reason: "delivery"})
			}
			if err != nil {
				t.Fatal(err)
			}

			code, stdout, stderr := run(t, "audit", "list", "--entity", "product", "--id", "p1", "--data", dir, "--db", db)
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if code != 0 || len(lines) < 3 || !strings.Contains(lines[0], "root (admin)  product.stock  product p1") ||
				!strings.Contains(stdout, `before {"stock":5}`) || !strings.Contains(stdout, `"reason":"delivery"`) ||
				!strings.Contains(stdout, "product.create  product p1") {
				t.Errorf("audit list: exit %d\n%s%s", code, stdout, stderr)
			}
			code, stdout, stderr = run(t, "audit", "verify", "--data", dir, "--db", db)
			if code != 0 || !strings.Contains(stdout, "audit chain intact: 4 rows checked, from 1 to 4") {
				t.Errorf("audit verify: exit %d\n%s%s", code, stdout, stderr)
			}

			// The owner edits the stock change's row with the triggers off.
			err = st.InTx(ctx, func(tx *store.Tx) error {
				if pg, ok := tx.PgxTx(); ok {
					// The store's transactions run as the application's role; the
					// owner (here a superuser) is who can do this.
					_, err := pg.Exec(ctx, `RESET ROLE; ALTER TABLE audit DISABLE TRIGGER USER;
						UPDATE audit SET after = '{"stock": 800}' WHERE id = (SELECT audit_id FROM audit_link WHERE seq = 4); ALTER TABLE audit ENABLE TRIGGER USER`)
					return err
				}
				lite, _ := tx.SQLTx()
				_, err := lite.ExecContext(ctx, `DROP TRIGGER audit_no_update; UPDATE audit SET after = '{"stock": 800}' WHERE id = (SELECT audit_id FROM audit_link WHERE seq = 4)`)
				return err
			})
			st.Close()
			if err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr = run(t, "audit", "verify", "--data", dir, "--db", db)
			if code != 1 || !strings.Contains(stdout, "audit chain BROKEN at row 4") || !strings.Contains(stdout, "3 rows before it are intact") {
				t.Errorf("audit verify after an edit: exit %d\n%s%s", code, stdout, stderr)
			}
			if code, _, _ := run(t, "audit", "nothing"); code != 2 {
				t.Errorf("audit nothing: exit %d, want 2", code)
			}
		})
	}
}

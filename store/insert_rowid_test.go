package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestInsertAuditTellsItsID: InsertAudit sets each entry's ID to the row it
// wrote (on SQLite taken from the insert's rowid, not read back through
// RETURNING), in the same transaction and across transactions alike.
func TestInsertAuditTellsItsID(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			var ids []int64
			for txn := range 2 {
				err := st.InTx(ctx, func(tx *store.Tx) error {
					for i := range 2 {
						a := &mohalla.AuditEntry{At: time.Now(), Actor: mohalla.ActorOf(mohalla.Caller{ID: "ida", Role: mohalla.RoleShopOwner}),
							Action: mohalla.AuditProductStock, Entity: "product", EntityID: "p-rowid", ShopID: "s1",
							After: map[string]any{"stock": fmt.Sprint(txn, i)}}
						if err := tx.InsertAudit(ctx, a); err != nil {
							return err
						}
						ids = append(ids, a.ID)
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			rows, err := st.Read().Audit(ctx, "product", "p-rowid")
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(ids) {
				t.Fatalf("%d rows for %d inserts", len(rows), len(ids))
			}
			for i, r := range rows {
				if r.ID != ids[i] {
					t.Errorf("row %d: id %d; InsertAudit said id %d (all: %v)", i, r.ID, ids[i], ids)
				}
			}
		})
	}
}

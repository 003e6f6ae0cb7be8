package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// ctx is the system caller's: these tests write and read the trail itself.
var ctx = store.AsSystem(context.Background(), "test")

// appendAudit writes n audit rows, each in its own transaction, with JSON
// whose keys PostgreSQL's jsonb reorders and text it must keep exactly.
func appendAudit(t *testing.T, st *store.Store, n int, actor string) {
	t.Helper()
	for i := range n {
		err := st.InTx(ctx, func(tx *store.Tx) error {
			return tx.InsertAudit(mohalla.WithRequest(ctx, mohalla.Request{ID: fmt.Sprintf("req-%s-%d", actor, i), IP: "192.0.2.7"}),
				&mohalla.AuditEntry{At: time.Now(), Actor: mohalla.ActorOf(mohalla.Caller{ID: actor, Role: mohalla.RoleShopOwner}),
					Action: mohalla.AuditProductStock, Entity: "product", EntityID: fmt.Sprintf("p%d", i), ShopID: "s1",
					Before: map[string]any{"stock": i, "zeta": "ä <b>&", "a": []any{1.5, nil, true}},
					After:  map[string]any{"stock": i + 1, "reason": "count\n\"quoted\"", "nested": map[string]any{"y": 1, "x": 2}}})
		})
		if err != nil {
			t.Fatalf("insert audit %d: %v", i, err)
		}
	}
}

// asOwner runs sql in one transaction as the tables' owner, with the audit
// table's append-only triggers off, as someone with the database's owner
// login could.
func asOwner(t *testing.T, st *store.Store, stmt string) {
	t.Helper()
	err := st.InTx(ctx, func(tx *store.Tx) error {
		if pg, ok := tx.PgxTx(); ok {
			// The store's transactions run as the application's role: RESET
			// ROLE makes this one the owner's (here a superuser).
			for _, s := range []string{`RESET ROLE`, `ALTER TABLE audit DISABLE TRIGGER USER`, stmt, `ALTER TABLE audit ENABLE TRIGGER USER`} {
				if _, err := pg.Exec(ctx, s); err != nil {
					return err
				}
			}
		} else {
			d, _ := tx.SQLTx()
			// SQLite cannot disable a trigger: drop it and make it again.
			var update, del string
			if err := d.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE name = 'audit_no_update'`).Scan(&update); err != nil {
				return err
			}
			if err := d.QueryRowContext(ctx, `SELECT sql FROM sqlite_master WHERE name = 'audit_no_delete'`).Scan(&del); err != nil {
				return err
			}
			for _, s := range []string{`DROP TRIGGER audit_no_update`, `DROP TRIGGER audit_no_delete`, stmt, update, del} {
				if _, err := d.ExecContext(ctx, s); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("as owner: %s: %v", stmt, err)
	}
}

// exec runs stmt as the tables' owner: the append-only triggers refuse even
// the owner (the application's role has no such grant at all, see
// TestRowLevelSecurity).
func exec(st *store.Store, stmt string) error {
	return st.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if pg, ok := tx.PgxTx(); ok {
			if _, err = pg.Exec(ctx, `RESET ROLE`); err == nil {
				_, err = pg.Exec(ctx, stmt)
			}
		} else {
			lite, _ := tx.SQLTx()
			_, err = lite.ExecContext(ctx, stmt)
		}
		return err
	})
}

func verify(t *testing.T, st *store.Store) store.AuditVerification {
	t.Helper()
	if _, err := st.SealAudit(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := st.Read().VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestAuditChain: the trail refuses UPDATE and DELETE (and on PostgreSQL
// TRUNCATE) from the application; verify finds it whole; and after the owner,
// with the triggers off, edits a row in the middle, deletes one, or deletes
// the last, verify names the first broken link.
func TestAuditChain(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			for _, tamper := range []struct {
				name, sql string
				seq       int64
				reason    string
			}{
				{"edit", `UPDATE audit SET after = '{"stock": 999}' WHERE seq = 3`, 3, "hash does not match"},
				{"edit actor", `UPDATE audit SET actor_id = 'someone-else' WHERE seq = 2`, 2, "hash does not match"},
				{"delete", `DELETE FROM audit WHERE seq = 4`, 4, "row 4 is missing"},
				{"delete last", `DELETE FROM audit WHERE seq = 6`, 6, "rows 6 to 6 are missing"},
			} {
				t.Run(tamper.name, func(t *testing.T) {
					st := storetest.Open(t, kind)
					appendAudit(t, st, 6, "olga")
					v := verify(t, st)
					if v.Broken != nil || v.Checked != 6 || v.Head != 6 {
						t.Fatalf("a whole chain: %+v, want 6 rows checked and none broken", v)
					}
					// A linked row keeps its place: relinking it is an update too.
					refused := []string{`UPDATE audit SET actor_id = 'x' WHERE seq = 1`, `UPDATE audit SET seq = 99 WHERE seq = 1`,
						`DELETE FROM audit WHERE seq = 1`}
					if kind == "postgres" {
						refused = append(refused, `TRUNCATE audit`)
					}
					for _, s := range refused {
						if err := exec(st, s); err == nil || !strings.Contains(err.Error(), "append-only") {
							t.Errorf("%s: %v, want the append-only trigger's refusal", s, err)
						}
					}
					if v := verify(t, st); v.Broken != nil || v.Checked != 6 {
						t.Fatalf("after refused changes: %+v", v)
					}

					asOwner(t, st, tamper.sql)
					v = verify(t, st)
					if v.Broken == nil || v.Broken.Seq != tamper.seq || !strings.Contains(v.Broken.Reason, tamper.reason) {
						t.Fatalf("after %s: %+v (broken %+v), want broken at %d: %q", tamper.sql, v, v.Broken, tamper.seq, tamper.reason)
					}
					if v.Checked != tamper.seq-1 {
						t.Errorf("%d rows checked before the break, want %d", v.Checked, tamper.seq-1)
					}
				})
			}
		})
	}
}

// TestAuditChainConcurrent: 16 writers appending at once still form one
// chain, each row's place one more than the last.
func TestAuditChainConcurrent(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			const writers, each = 16, 15
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() { appendAudit(t, st, each, fmt.Sprintf("writer-%d", w)) })
			}
			wg.Wait()
			v := verify(t, st)
			if v.Broken != nil || v.Checked != writers*each || v.Head != writers*each {
				t.Fatalf("after %d concurrent writers: %+v (broken %+v), want %d rows checked and none broken",
					writers, v, v.Broken, writers*each)
			}
			rows, err := st.Read().ListAudit(ctx, store.AuditFilter{ActorID: "writer-3", Oldest: true, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != each || rows[0].RequestID != "req-writer-3-0" || rows[0].ClientIP != "192.0.2.7" {
				t.Errorf("writer-3's rows: %d, first %+v; want %d with their request and address", len(rows), rows[0], each)
			}
		})
	}
}

package store_test

import (
	"context"
	"errors"
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
			for _, s := range []string{`RESET ROLE`, `ALTER TABLE audit DISABLE TRIGGER USER`, `ALTER TABLE audit_link DISABLE TRIGGER USER`,
				stmt, `ALTER TABLE audit ENABLE TRIGGER USER`, `ALTER TABLE audit_link ENABLE TRIGGER USER`} {
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

// atSeq is SQL for the id of the audit row at place seq, on both stores
// (audit_link is a table on PostgreSQL, a view of audit's own columns on
// SQLite).
func atSeq(seq int) string {
	return fmt.Sprintf(`(SELECT audit_id FROM audit_link WHERE seq = %d)`, seq)
}

// TestAuditChain: the trail and its links refuse UPDATE and DELETE (and on
// PostgreSQL TRUNCATE) from the application; verify finds it whole; and after
// the owner, with the triggers off, edits a row in the middle, deletes one, or
// deletes the last, or (on PostgreSQL, where a row's place and hash are a row
// of audit_link) edits or deletes a link, verify names the first broken link.
func TestAuditChain(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			tampers := []struct {
				name, sql string
				seq       int64
				reason    string
			}{
				{"edit", `UPDATE audit SET after = '{"stock": 999}' WHERE id = ` + atSeq(3), 3, "hash does not match"},
				{"edit actor", `UPDATE audit SET actor_id = 'someone-else' WHERE id = ` + atSeq(2), 2, "hash does not match"},
				{"delete", `DELETE FROM audit WHERE id = ` + atSeq(4), 4, "row 4 is missing"},
				{"delete last", `DELETE FROM audit WHERE id = ` + atSeq(6), 6, "rows 6 to 6 are missing"},
			}
			refused := []string{`UPDATE audit SET actor_id = 'x' WHERE id = ` + atSeq(1), `DELETE FROM audit WHERE id = ` + atSeq(1)}
			if kind == "postgres" {
				tampers = append(tampers, []struct {
					name, sql string
					seq       int64
					reason    string
				}{
					{"edit link", `UPDATE audit_link SET hash = sha256(hash) WHERE seq = 3`, 3, "hash does not match"},
					{"delete link", `DELETE FROM audit_link WHERE seq = 5`, 5, "row 5 is missing"},
				}...)
				refused = append(refused, `TRUNCATE audit`, `UPDATE audit_link SET seq = 99 WHERE seq = 1`,
					`DELETE FROM audit_link WHERE seq = 1`, `TRUNCATE audit_link`)
			} else {
				// A linked row keeps its place: relinking it is an update too.
				refused = append(refused, `UPDATE audit SET seq = 99 WHERE seq = 1`)
			}
			for _, tamper := range tampers {
				t.Run(tamper.name, func(t *testing.T) {
					st := storetest.Open(t, kind)
					appendAudit(t, st, 6, "olga")
					v := verify(t, st)
					if v.Broken != nil || v.Checked != 6 || v.Head != 6 {
						t.Fatalf("a whole chain: %+v, want 6 rows checked and none broken", v)
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

// TestAuditLateCommitIsLinked: on PostgreSQL the sealer links rows in the
// order of their transactions, below the event log's horizon, so a row whose
// transaction began first and commits last is linked, before the rows
// committed while it was open, not skipped; a rolled-back row takes no place.
// On SQLite, whose writers take turns, the same holds.
func TestAuditLateCommitIsLinked(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			entry := func(id string) *mohalla.AuditEntry {
				return &mohalla.AuditEntry{At: time.Now(), Actor: mohalla.ActorOf(mohalla.Caller{ID: "olga", Role: mohalla.RoleShopOwner}),
					Action: mohalla.AuditProductStock, Entity: "product", EntityID: id, ShopID: "s1", After: map[string]any{"stock": 1}}
			}
			// SQLite's writers take turns: there the first writer commits first.
			late := kind == "postgres"
			inserted, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
			if !late {
				close(release)
			}
			go func() {
				done <- st.InEventTx(ctx, func(tx *store.Tx) error {
					if err := tx.InsertAudit(ctx, entry("first")); err != nil {
						return err
					}
					close(inserted)
					<-release
					return nil
				})
			}()
			<-inserted
			if !late {
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			}
			if err := st.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.InsertAudit(ctx, entry("rolled-back")); err != nil {
					return err
				}
				return errRollback
			}); err != errRollback {
				t.Fatalf("rolled-back write: %v", err)
			}
			appendAudit(t, st, 2, "early")
			if late {
				if n, err := st.SealAudit(ctx); err != nil || n != 0 {
					t.Fatalf("sealed %d rows (%v) while the first writer is open, want none: its row would come later", n, err)
				}
				close(release)
				if err := <-done; err != nil {
					t.Fatal(err)
				}
			}
			v := verify(t, st)
			if v.Broken != nil || v.Checked != 3 || v.Head != 3 || v.Pending != 0 {
				t.Fatalf("%+v (broken %+v), want 3 rows linked, none pending", v, v.Broken)
			}
			rows, err := st.Read().ListAudit(ctx, store.AuditFilter{Oldest: true, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range rows {
				if a.EntityID == "rolled-back" || a.Seq == 0 || len(a.Hash) != 64 {
					t.Errorf("row %+v: want only committed rows, each with its place and hash", a)
				}
				if a.EntityID == "first" && a.Seq != 1 {
					t.Errorf("the first writer's row at %d, want 1: its transaction is the oldest", a.Seq)
				}
			}
		})
	}
}

var errRollback = errors.New("roll back")

// TestAuditNeedsALogWriter: on PostgreSQL a transaction that wrote before it
// inserts an audit row must have begun as a log writer (InEventTx): the
// sealer reads below the log's horizon, which only log writers hold back,
// so such a row, committed late, could be skipped. It fails instead.
func TestAuditNeedsALogWriter(t *testing.T) {
	st := storetest.Open(t, "postgres")
	write := func(tx *store.Tx) error {
		pg, _ := tx.PgxTx()
		if _, err := pg.Exec(ctx, `SELECT pg_current_xact_id()`); err != nil { // the transaction's id, as a write takes
			return err
		}
		return tx.InsertAudit(ctx, &mohalla.AuditEntry{At: time.Now(), Actor: mohalla.ActorOf(mohalla.Caller{ID: "olga", Role: mohalla.RoleAdmin}),
			Action: mohalla.AuditAPIKeyCreate, Entity: "apikey", EntityID: "k1"})
	}
	if err := st.InTx(ctx, write); err == nil || !strings.Contains(err.Error(), "log writer lock") {
		t.Errorf("InTx: %v, want the trigger's refusal", err)
	}
	if err := st.InEventTx(ctx, write); err != nil {
		t.Fatalf("InEventTx: %v", err)
	}
	if v := verify(t, st); v.Broken != nil || v.Checked != 1 {
		t.Fatalf("%+v, want the one row linked", v)
	}
}

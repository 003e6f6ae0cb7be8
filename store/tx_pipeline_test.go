package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// The audit rows InsertAudits holds on PostgreSQL (to go with the next
// statement) are seen by that statement, are committed when nothing follows
// them, and when one fails, the transaction commits nothing.
func TestHeldStatements(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			entry := func(id string) mohalla.AuditEntry {
				return mohalla.AuditEntry{At: time.Now(), Actor: mohalla.ActorOf(mohalla.Caller{ID: "olga", Role: mohalla.RoleAdmin}),
					Action: mohalla.AuditProductStock, Entity: "product", EntityID: id}
			}
			err := st.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.InsertAudits(ctx, []mohalla.AuditEntry{entry("seen")}); err != nil {
					return err
				}
				got, err := tx.Audit(ctx, "product", "seen")
				if err != nil || len(got) != 1 {
					t.Errorf("the next statement read %d rows (%v), want the held one", len(got), err)
				}
				// Held until the commit, with nothing after it.
				return tx.InsertAudits(ctx, []mohalla.AuditEntry{entry("last"), entry("last")})
			})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := st.Read().Audit(ctx, "product", "last"); err != nil || len(got) != 2 {
				t.Fatalf("rows held until the commit: %d (%v), want 2", len(got), err)
			}

			// A transaction whose only statements are held sends them with
			// its BEGIN and COMMIT.
			if err := st.InEventTx(ctx, func(tx *store.Tx) error {
				return tx.InsertAudits(ctx, []mohalla.AuditEntry{entry("only-held")})
			}); err != nil {
				t.Fatal(err)
			}
			if got, err := st.Read().Audit(ctx, "product", "only-held"); err != nil || len(got) != 1 {
				t.Fatalf("a transaction of held rows only: %d rows (%v), want 1", len(got), err)
			}

			notReached := errors.New("not reached")
			err = st.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.InsertAudits(ctx, []mohalla.AuditEntry{entry("rolled-back")}); err != nil {
					return err
				}
				// PostgreSQL refuses a NUL in text: on PostgreSQL the held row
				// fails the next statement, on SQLite (nothing held) it is
				// stored, and the transaction rolls back on notReached.
				if err := tx.InsertAudits(ctx, []mohalla.AuditEntry{entry("nul\x00")}); err != nil {
					return err
				}
				if _, err := tx.AppendEvents(ctx, []mohalla.Event{{ID: "01JAAAAAAAAAAAAAAAAAAAAAAA", Name: "test/held", Data: []byte(`{}`), TS: 1}}); err != nil {
					return err
				}
				return notReached
			})
			if err == nil || (kind == string(store.Postgres)) == errors.Is(err, notReached) {
				t.Fatalf("a transaction with a row refused: %v", err)
			}
			if got, err := st.Read().Audit(ctx, "product", "rolled-back"); err != nil || len(got) != 0 {
				t.Fatalf("a rolled-back transaction's held row: %d rows (%v), want none", len(got), err)
			}
		})
	}
}

// A held claim of a key recorded already fails the transaction's next
// statement (on SQLite the claim itself) with ErrClaimed, and a new key is
// recorded with the transaction.
func TestClaimIdempotencyLater(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			sys := store.AsSystem(ctx, "test")
			rec := store.IdempotencyRecord{Scope: "order", Key: "o1", RequestHash: "h1", ResourceID: "o1"}
			claim := func() error {
				return st.InTx(sys, func(tx *store.Tx) error {
					if err := tx.ClaimIdempotencyLater(sys, rec, time.Now()); err != nil {
						return err
					}
					_, err := tx.Idempotency(sys, "order", "o1") // the next statement
					return err
				})
			}
			if err := claim(); err != nil {
				t.Fatalf("first claim: %v", err)
			}
			if r, err := st.Read().Idempotency(sys, "order", "o1"); err != nil || r.RequestHash != "h1" {
				t.Fatalf("recorded %+v, %v; want the first claim's", r, err)
			}
			rec.RequestHash = "h2"
			if err := claim(); !errors.Is(err, store.ErrClaimed) {
				t.Fatalf("second claim of the key: %v; want ErrClaimed", err)
			}
			if r, err := st.Read().Idempotency(sys, "order", "o1"); err != nil || r.RequestHash != "h1" {
				t.Fatalf("after the second claim %+v, %v; want the first claim's record", r, err)
			}
		})
	}
}

// On PostgreSQL a transaction's BEGIN goes with its first statement and its
// COMMIT with the statements still held: a transaction that reads once and
// holds a row costs two round trips; one that sends nothing costs none, and
// one whose held rows are all it has, rolled back, sends nothing either.
func TestTransactionRoundTrips(t *testing.T) {
	st := storetest.Open(t, string(store.Postgres))
	entry := func(id string) mohalla.AuditEntry {
		return mohalla.AuditEntry{At: time.Now(), Actor: mohalla.ActorOf(mohalla.Caller{ID: "olga", Role: mohalla.RoleAdmin}),
			Action: mohalla.AuditProductStock, Entity: "product", EntityID: id}
	}
	readThenHold := func(id string) error {
		return st.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Audit(ctx, "product", id); err != nil {
				return err
			}
			return tx.InsertAudits(ctx, []mohalla.AuditEntry{entry(id)})
		})
	}
	if err := readThenHold("warm"); err != nil { // prepares its statements on a connection
		t.Fatal(err)
	}
	before := st.QueryCounts()
	if err := readThenHold("counted"); err != nil {
		t.Fatal(err)
	}
	if got := st.QueryCounts().Sub(before); got.RoundTrips != 2 {
		t.Errorf("a read and a held insert: %+v; want 2 round trips (BEGIN with the read, the insert with COMMIT)", got)
	}
	if got, err := st.Read().Audit(ctx, "product", "counted"); err != nil || len(got) != 1 {
		t.Fatalf("the row held until the COMMIT: %d rows (%v), want 1", len(got), err)
	}

	before = st.QueryCounts()
	if err := st.InTx(ctx, func(*store.Tx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("failed")
	err := st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertAudits(ctx, []mohalla.AuditEntry{entry("never")}); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("a failing transaction: %v", err)
	}
	if got := st.QueryCounts().Sub(before); got.RoundTrips != 0 || got.Statements != 0 {
		t.Errorf("an empty transaction and one that failed before sending: %+v; want nothing sent", got)
	}
	if got, err := st.Read().Audit(ctx, "product", "never"); err != nil || len(got) != 0 {
		t.Fatalf("the row of the failed transaction: %d rows (%v), want none", len(got), err)
	}
}

// What a store transaction's PgxTx (River's client) sends runs after the
// statements held before it, in the same transaction, and its nested
// transactions are savepoints.
func TestPgxTxAfterHeld(t *testing.T) {
	st := storetest.Open(t, string(store.Postgres))
	entry := func(id string) mohalla.AuditEntry {
		return mohalla.AuditEntry{At: time.Now(), Actor: mohalla.ActorOf(mohalla.Caller{ID: "olga", Role: mohalla.RoleAdmin}),
			Action: mohalla.AuditProductStock, Entity: "product", EntityID: id}
	}
	rolledBack := errors.New("rolled back")
	err := st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertAudits(ctx, []mohalla.AuditEntry{entry("held")}); err != nil {
			return err
		}
		pg, ok := tx.PgxTx()
		if !ok {
			t.Fatal("no PgxTx on PostgreSQL")
		}
		var n int
		if err := pg.QueryRow(ctx, `SELECT count(*) FROM audit WHERE entity_id = 'held'`).Scan(&n); err != nil || n != 1 {
			t.Errorf("PgxTx saw %d held rows (%v), want 1", n, err)
		}
		if err := pg.Commit(ctx); err == nil {
			t.Error("PgxTx committed the store's transaction")
		}
		nested, err := pg.Begin(ctx)
		if err != nil {
			return err
		}
		if _, err := nested.Exec(ctx, `SELECT set_config('app.nested', 'set', true)`); err != nil {
			return err
		}
		if err := nested.Rollback(ctx); err != nil {
			return err
		}
		var v string
		if err := pg.QueryRow(ctx, `SELECT coalesce(current_setting('app.nested', true), '')`).Scan(&v); err != nil || v == "set" {
			t.Errorf("a setting of a rolled-back nested transaction: %q (%v), want it undone", v, err)
		}
		if err := pg.QueryRow(ctx, `SELECT count(*) FROM audit WHERE entity_id = 'held'`).Scan(&n); err != nil || n != 1 {
			t.Errorf("after a nested rollback %d rows (%v), want 1", n, err)
		}
		return rolledBack
	})
	if !errors.Is(err, rolledBack) {
		t.Fatal(err)
	}
	if got, err := st.Read().Audit(ctx, "product", "held"); err != nil || len(got) != 0 {
		t.Fatalf("the rolled-back transaction's row: %d rows (%v), want none", len(got), err)
	}
}

// A transaction that appends opens with BEGIN and one statement that both
// switches to AppRole with the caller and takes the log writer lock, before
// its first write, so its events are held back from the log's readers until
// it ends (migration 032).
func TestEventTxOpensInOneStatement(t *testing.T) {
	st := storetest.Open(t, string(store.Postgres))
	before := st.QueryCounts()
	var locked int
	var role, caller string
	if err := st.InEventTx(store.AsSystem(ctx, "test"), func(tx *store.Tx) error {
		ptx, _ := tx.PgxTx()
		return ptx.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
			AND classid = 7171944 AND objid = 7106407 AND mode = 'ShareLock'),
			current_user, current_setting('app.role')`).Scan(&locked, &role, &caller)
	}); err != nil {
		t.Fatal(err)
	}
	if locked != 1 || role != store.AppRole || caller != "system" {
		t.Errorf("in the transaction: %d log writer locks, role %q, app.role %q; want 1, %q, system", locked, role, caller, store.AppRole)
	}
	// BEGIN, the settings with the lock, the read, COMMIT.
	if got := st.QueryCounts().Sub(before); got.Statements != 4 {
		t.Errorf("an event transaction of one read: %+v; want 4 statements", got)
	}
}

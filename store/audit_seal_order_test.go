package store_test

import (
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// The sealer links audit rows in the order of their transactions' ids as
// numbers: rows of transaction 99 before those of transaction 100, though
// "100" sorts first as text; each row once, the chain whole.
func TestAuditSealTransactionOrder(t *testing.T) {
	t.Parallel()
	url := storetest.NewDatabase(t)
	st := storetest.OpenConfig(t, store.Config{URL: url, MaxConns: 2})
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	if _, err := st.SealAudit(ctx); err != nil { // whatever the template holds
		t.Fatal(err)
	}
	// The database's owner writes rows as transactions 100 and 99 would
	// have, in that order: both long below the log's horizon.
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck
	if _, err := tx.Exec(ctx, `SELECT log_writer_begin()`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO audit (at, actor_id, actor_role, action, entity, entity_id, after, tx)
		VALUES (now(), 'ann', 'admin', 'product.create', 'product', 'tx100', '{}', '100'),
		       (now(), 'ann', 'admin', 'product.create', 'product', 'tx99a', '{}', '99'),
		       (now(), 'ann', 'admin', 'product.create', 'product', 'tx99b', '{}', '99')`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := st.SealAudit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	read := store.WithCaller(ctx, mohalla.Caller{ID: "ann", Role: mohalla.RoleAdmin})
	var seqs []int64
	for _, id := range []string{"tx99a", "tx99b", "tx100"} {
		rows, err := st.Read().Audit(read, "product", id)
		if err != nil || len(rows) != 1 || rows[0].Seq == 0 {
			t.Fatalf("audit of %s: %+v (%v), want one linked row", id, rows, err)
		}
		seqs = append(seqs, rows[0].Seq)
	}
	if seqs[0] >= seqs[1] || seqs[1] >= seqs[2] {
		t.Errorf("places in the chain of transaction 99's rows and 100's: %v, want rising", seqs)
	}
	if rep, err := st.Read().VerifyAudit(read); err != nil || rep.Broken != nil || rep.Pending != 0 {
		t.Errorf("the chain: %+v (%v)", rep, err)
	}
}

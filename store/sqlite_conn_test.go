package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestSQLiteTxStatements: the writer's transactions, begun and ended by
// statements prepared once per connection (sqliteConn), commit what they
// wrote and roll back what failed; and a BEGIN whose context ends while it
// waits for another process's write lock fails without leaving the one
// writer connection inside a transaction, so the next write succeeds.
func TestSQLiteTxStatements(t *testing.T) {
	ctx := AsSystem(context.Background(), "test")
	dir := t.TempDir()
	st, err := Open(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	insert := func(ctx context.Context, n int, fail error) error {
		return st.InTx(ctx, func(tx *Tx) error {
			if _, err := tx.raw.exec(ctx, `INSERT INTO peer_probe (n) VALUES ($1)`, n); err != nil {
				return err
			}
			return fail
		})
	}
	rows := func() (n int) {
		t.Helper()
		if err := st.b.(*sqliteDB).read.QueryRowContext(ctx, `SELECT count(*) FROM peer_probe`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := st.InTx(ctx, func(tx *Tx) error {
		_, err := tx.raw.exec(ctx, `CREATE TABLE peer_probe (n INTEGER)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for range 3 { // the prepared statements run again
		if err := insert(ctx, 1, nil); err != nil {
			t.Fatal(err)
		}
	}
	errFail := errors.New("this write fails")
	if err := insert(ctx, 2, errFail); !errors.Is(err, errFail) {
		t.Fatalf("failing write: %v, want %v", err, errFail)
	}
	if n := rows(); n != 3 {
		t.Fatalf("%d rows after three commits and a rollback, want 3", n)
	}

	// Another process holds SQLite's write lock.
	other, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "mohalla.db")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	holder, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := holder.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	waiting, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	err = insert(waiting, 3, nil)
	cancel()
	if err == nil {
		t.Fatal("a write began while another process held the write lock")
	}
	if _, err := holder.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	holder.Close()
	if err := insert(ctx, 4, nil); err != nil {
		t.Fatalf("the write after a cancelled BEGIN: %v", err)
	}
	if n := rows(); n != 4 {
		t.Fatalf("%d rows, want 4", n)
	}
}

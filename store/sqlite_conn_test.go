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
// wrote and roll back what failed; one whose context ends while it runs
// still commits, one whose context has ended begins nothing, and one that
// waits for another process's write lock commits once it is released.
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

	// A write whose context ends while it runs commits every statement
	// (sqliteDB.begin); one whose context has ended begins none.
	cctx, cancel := context.WithCancel(ctx)
	if err := st.InTx(cctx, func(tx *Tx) error {
		if _, err := tx.raw.exec(cctx, `INSERT INTO peer_probe (n) VALUES (5)`); err != nil {
			return err
		}
		cancel()
		_, err := tx.raw.exec(cctx, `INSERT INTO peer_probe (n) VALUES (6)`)
		return err
	}); err != nil {
		t.Fatalf("a write whose context ended while it ran: %v", err)
	}
	if err := insert(cctx, 7, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("a write with an ended context: %v, want %v", err, context.Canceled)
	}
	if n := rows(); n != 5 {
		t.Fatalf("%d rows, want 5", n)
	}

	// Another process holds SQLite's write lock for a moment: the write
	// waits for it (busy_timeout), then commits.
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
	released := make(chan error, 1)
	go func() {
		time.Sleep(200 * time.Millisecond)
		_, err := holder.ExecContext(ctx, `ROLLBACK`)
		released <- err
	}()
	if err := insert(ctx, 8, nil); err != nil {
		t.Fatalf("the write after another process's: %v", err)
	}
	if err := <-released; err != nil {
		t.Fatal(err)
	}
	holder.Close()
	if n := rows(); n != 6 {
		t.Fatalf("%d rows, want 6", n)
	}
}

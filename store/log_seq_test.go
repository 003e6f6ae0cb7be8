package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestPruningNeverGivesAPositionAgain: pruning keeps the log's newest event,
// so an event appended after any prune comes after every event the log ever
// held, even where positions are one more than the largest in the log
// (SQLite without AUTOINCREMENT, migration 036, which no longer writes
// sqlite_sequence).
func TestPruningNeverGivesAPositionAgain(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			ctx := store.AsSystem(context.Background(), "test")
			var last mohalla.Position
			appendOld := func(id string) {
				t.Helper()
				if err := st.InTx(ctx, func(tx *store.Tx) error {
					_, err := tx.AppendEvents(ctx, []mohalla.Event{{ID: id, Name: "test/old", Data: []byte(`{}`), TS: 1000}})
					return err
				}); err != nil {
					t.Fatal(err)
				}
				e, err := st.Read().EventByID(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if !last.Less(e.Pos) {
					t.Fatalf("event %s at %s, not after %s, a position the log gave before", id, e.Pos, last)
				}
				last = e.Pos
			}
			prune := func(limit int, want int64) {
				t.Helper()
				if n, err := st.PruneEvents(ctx, time.Now(), limit); err != nil || n != want {
					t.Fatalf("PruneEvents(limit %d) = %d, %v; want %d", limit, n, err, want)
				}
			}
			appendOld("e1")
			appendOld("e2")
			appendOld("e3")
			prune(100, 2) // e3, the newest, is kept
			appendOld("e4")
			prune(1, 1) // e3
			prune(1, 0) // e4 is the newest
			appendOld("e5")
			if kind == "sqlite" {
				var n int
				if err := st.DB().QueryRowContext(ctx, `SELECT count(*) FROM sqlite_sequence WHERE name IN ('events', 'audit')`).
					Scan(&n); err != nil || n != 0 {
					t.Errorf("sqlite_sequence rows of events and audit: %d, %v; want none", n, err)
				}
			}
		})
	}
}

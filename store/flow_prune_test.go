package store_test

import (
	"testing"
	"time"

	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestPruneFlowForgetsUnusedKeys: a rate limit's and a throttle's rows of a
// key never checked again are deleted once they no longer count, and rows
// that still count are kept.
func TestPruneFlowForgetsUnusedKeys(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			t0 := time.Now().UTC().Truncate(time.Millisecond)
			err := st.InTx(ctx, func(tx *store.Tx) error {
				for _, key := range []string{"old", "new"} {
					at := t0
					if key == "new" {
						at = t0.Add(time.Hour)
					}
					if ok, err := tx.RateLimit(ctx, "fn", key, "run-"+key, 1, time.Minute, at); err != nil || !ok {
						t.Fatalf("rate limit %s: %v %v", key, ok, err)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, key := range []string{"old", "new"} {
				at := t0
				if key == "new" {
					at = t0.Add(time.Hour)
				}
				tr := store.Throttle{FunctionID: "fn", Key: key, RunID: "run-" + key, Every: time.Second, Max: 1, Period: time.Minute, Now: at}
				if err := st.InTx(ctx, func(tx *store.Tx) error { _, err := tx.ThrottlePlace(ctx, tr); return err }); err != nil {
					t.Fatal(err)
				}
			}
			// Half an hour on, "old"'s rows (from t0, for a minute) no longer
			// count; "new"'s are an hour ahead and still do.
			n, err := st.PruneFlow(ctx, t0.Add(30*time.Minute), t0.Add(-time.Hour), 100)
			if err != nil {
				t.Fatal(err)
			}
			if n != 2 {
				t.Errorf("pruned %d rows, want 2: old's rate-limit hit and its throttle line", n)
			}
			// The rate limit of "new" still holds: its hit was kept.
			err = st.InTx(ctx, func(tx *store.Tx) error {
				ok, err := tx.RateLimit(ctx, "fn", "new", "run-new-2", 1, time.Minute, t0.Add(time.Hour+time.Second))
				if err == nil && ok {
					t.Error("a second run of key new went through its limit of 1 a minute: its hit was pruned")
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if n, err := st.PruneFlow(ctx, t0.Add(30*time.Minute), t0.Add(-time.Hour), 100); err != nil || n != 0 {
				t.Errorf("a second prune deleted %d rows (%v), want 0", n, err)
			}
		})
	}
}

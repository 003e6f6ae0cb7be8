package store_test

import (
	"testing"
	"time"

	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestStaleAttemptKeepsItsSuccessorsSlot: a run re-queued from a dead node
// runs again as a new queue job and takes over its run's concurrency slot;
// when the stale attempt ends, its release must not free that slot, or a
// second run of the key could start beside the current attempt.
func TestStaleAttemptKeepsItsSuccessorsSlot(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			now := time.Now().UTC()
			expires := now.Add(time.Hour)
			acquire := func(runID string, jobID int64) bool {
				t.Helper()
				var ok bool
				err := st.InTx(ctx, func(tx *store.Tx) error {
					var err error
					ok, err = tx.AcquireSlot(ctx, "fn", "k", runID, jobID, 1, expires, now)
					return err
				})
				if err != nil {
					t.Fatalf("acquire %s/%d: %v", runID, jobID, err)
				}
				return ok
			}
			release := func(runID string, jobID int64) {
				t.Helper()
				if err := st.Write().ReleaseSlot(ctx, "fn", "k", runID, jobID, now); err != nil {
					t.Fatalf("release %s/%d: %v", runID, jobID, err)
				}
			}

			if !acquire("run-a", 1) {
				t.Fatal("the first attempt of run-a got no slot of a free key")
			}
			if !acquire("run-a", 2) {
				t.Fatal("run-a's re-queued attempt (job 2) could not take over its run's slot")
			}
			release("run-a", 1) // the stale attempt ends
			if acquire("run-b", 3) {
				t.Fatal("run-b got the key's only slot while run-a's current attempt holds it: the stale attempt freed it")
			}
			release("run-a", 2) // the current attempt ends
			if !acquire("run-b", 3) {
				t.Fatal("run-b got no slot after run-a's current attempt freed it")
			}
		})
	}
}

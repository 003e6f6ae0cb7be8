package store_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestCommitClock: a transaction that commits tells its context's commit
// clock once, after its writes are visible and before InTx returns; one that
// rolls back tells it nothing.
func TestCommitClock(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			st := storetest.Open(t, kind)
			var told []time.Time
			var seen int
			cctx := store.WithCommitClock(ctx, func(at time.Time) {
				told = append(told, at)
				rows, err := st.Read().ListAudit(ctx, store.AuditFilter{ActorID: "clock", Limit: 10})
				if err != nil {
					t.Error(err)
				}
				seen = len(rows)
			})
			write := func(fail error) error {
				return st.InEventTx(cctx, func(tx *store.Tx) error {
					if err := tx.InsertAudit(cctx, &mohalla.AuditEntry{At: time.Now().UTC(), Actor: mohalla.ActorOf(mohalla.Caller{ID: "clock", Role: mohalla.RoleShopOwner}),
						Action: mohalla.AuditProductStock, Entity: "product", EntityID: "p1", ShopID: "s1"}); err != nil {
						return err
					}
					return fail
				})
			}
			refused := errors.New("refused")
			if err := write(refused); !errors.Is(err, refused) {
				t.Fatalf("a failing transaction returned %v", err)
			}
			if len(told) != 0 {
				t.Fatalf("a rolled-back transaction told the clock %d times", len(told))
			}
			before := time.Now()
			if err := write(nil); err != nil {
				t.Fatal(err)
			}
			after := time.Now()
			if len(told) != 1 || told[0].Before(before) || told[0].After(after) {
				t.Fatalf("a commit between %v and %v told the clock %v, want once between", before, after, told)
			}
			if seen != 1 {
				t.Fatalf("when the clock was told, a read saw %d of the committed rows, want 1", seen)
			}
			// Concurrent writers, which SQLite commits in groups: each is
			// told once, of its own commit.
			const writers = 16
			var counts [writers]atomic.Int32
			var wg sync.WaitGroup
			for i := range writers {
				wg.Go(func() {
					wctx := store.WithCommitClock(ctx, func(time.Time) { counts[i].Add(1) })
					err := st.InEventTx(wctx, func(tx *store.Tx) error {
						return tx.InsertAudit(wctx, &mohalla.AuditEntry{At: time.Now().UTC(), Actor: mohalla.ActorOf(mohalla.Caller{ID: "group", Role: mohalla.RoleShopOwner}),
							Action: mohalla.AuditProductStock, Entity: "product", EntityID: "p1", ShopID: "s1"})
					})
					if err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			for i := range counts {
				if n := counts[i].Load(); n != 1 {
					t.Errorf("concurrent writer %d was told of its commit %d times, want 1", i, n)
				}
			}
		})
	}
}

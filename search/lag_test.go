package search_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestLagUnderConcurrentWrites measures how long a product takes from the
// commit of its creation to being searchable while writers run concurrently,
// and wants every one of them found. The figures are logged, not asserted.
func TestLagUnderConcurrentWrites(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			svc, n := seedDemo(t, st, &smallDemo)
			ix := openIndex(t, st, t.TempDir())
			running(t, ix)
			ctx := context.Background()

			const writers, each = 4, 40
			var (
				mu        sync.Mutex
				committed = map[string]time.Time{}
				wg        sync.WaitGroup
			)
			for w := range writers {
				wg.Go(func() {
					for i := range each {
						p, err := svc.CreateProduct(ctx, admin, market.CreateProduct{Name: uniqueName(w*each + i),
							Price: new(mohalla.Money(5000)), Category: "snacks", ShopID: n.Shops[(w+i)%len(n.Shops)].ID,
							Stock: new(int64(10))})
						if err != nil {
							t.Error(err)
							return
						}
						mu.Lock()
						committed[p.ID] = time.Now()
						mu.Unlock()
					}
				})
			}
			// Watch for each product to become searchable.
			seen := map[string]time.Time{}
			done := make(chan struct{})
			go func() { wg.Wait(); close(done) }()
			deadline := time.Now().Add(30 * time.Second)
			for finished := false; !finished || len(seen) < writers*each; {
				select {
				case <-done:
					finished = true
				default:
				}
				if t.Failed() {
					t.FailNow()
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d of %d products searchable after 30s", len(seen), writers*each)
				}
				mu.Lock()
				var pending []string
				for id := range committed {
					if _, ok := seen[id]; !ok {
						pending = append(pending, id)
					}
				}
				mu.Unlock()
				for _, id := range pending {
					if v, err := ix.ProductVersion(ctx, id); err != nil {
						t.Fatal(err)
					} else if v > 0 {
						seen[id] = time.Now()
					}
				}
				time.Sleep(500 * time.Microsecond)
			}
			lags := make([]time.Duration, 0, len(seen))
			for id, at := range seen {
				lags = append(lags, max(0, at.Sub(committed[id])))
			}
			slices.Sort(lags)
			t.Logf("%s: %d products by %d concurrent writers, commit to searchable: p50 %v, p99 %v, max %v",
				kind, len(lags), writers, lags[len(lags)/2], lags[len(lags)*99/100], lags[len(lags)-1])
			// Numbers are words too: a typo away from its neighbours, but exact first.
			res, err := ix.Products(ctx, search.ProductQuery{Q: "testitem00042 chikki"})
			if err != nil || len(res.Hits) == 0 || res.Hits[0].Name != uniqueName(42) {
				t.Fatalf("a product by name: %s, %v", names(res.Hits), err)
			}
		})
	}
}

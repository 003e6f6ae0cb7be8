package search_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store"
)

// TestFiltersHoldWhileWriting searches while writers reprice, restock and
// delete products, so that the index keeps making, merging and dropping
// segments under the searches: every hit must still pass the filters by the
// values it shows, and distance order must hold. A hit's filters are read from
// its segment's columns and what it shows from its stored document, so a
// column read from the wrong segment or document shows here.
func TestFiltersHoldWhileWriting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	svc, n := seedDemo(t, st, nil)
	ix := openIndex(t, st, dir+"/search")
	running(t, ix)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for {
				select {
				case <-stop:
					return
				default:
				}
				id := n.Products[r.IntN(len(n.Products))].ID
				var err error
				switch r.IntN(5) {
				case 0:
					err = svc.DeleteProduct(ctx, admin, id)
				case 1, 2:
					_, err = svc.ChangeStock(ctx, admin, id, market.ChangeStock{Delta: int64(r.IntN(7) - 3)})
				default:
					_, err = svc.UpdateProduct(ctx, admin, id, market.UpdateProduct{Price: new(mohalla.Money(100 + r.IntN(90_000)))})
				}
				if c := mohalla.ErrorCode(err); err != nil && c != mohalla.ENOTFOUND && c != mohalla.ECONFLICT && c != mohalla.EINVALID {
					t.Errorf("write %s: %v", id, err)
					return
				}
			}
		})
	}
	defer func() { close(stop); wg.Wait() }()

	santacruz := n.Shops[0].Location
	r := rand.New(rand.NewPCG(3, 3))
	searches := 0
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline) || searches < 200; searches++ {
		lo, hi := mohalla.Money(r.IntN(20_000)), mohalla.Money(20_000+r.IntN(60_000))
		q := search.ProductQuery{Q: []string{"", "rice", "milk", "pack", "dal"}[r.IntN(5)], MinPrice: &lo, MaxPrice: &hi,
			InStock: r.IntN(2) == 0, Limit: 50}
		if r.IntN(2) == 0 {
			q.Category = n.Products[r.IntN(len(n.Products))].Category
		}
		if r.IntN(2) == 0 {
			q.Near, q.RadiusKm, q.Sort = &santacruz, float64(1+r.IntN(4)), search.SortDistance
		}
		res, err := ix.Products(ctx, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		for i, h := range res.Hits {
			if bad := failsFilters(q, h); bad != "" {
				t.Fatalf("%+v: hit %s %q %s", q, h.ID, h.Name, bad)
			}
			if i > 0 && q.Near != nil && *h.DistanceKm < *res.Hits[i-1].DistanceKm {
				t.Fatalf("%+v: hit %d is nearer than hit %d", q, i, i-1)
			}
		}
	}
	t.Logf("%d searches while writing", searches)
}

// failsFilters says which filter of q hit h fails, or "".
func failsFilters(q search.ProductQuery, h search.ProductHit) string {
	switch {
	case h.Price < *q.MinPrice || h.Price > *q.MaxPrice:
		return fmt.Sprintf("costs %d paise, outside %d-%d", h.Price, *q.MinPrice, *q.MaxPrice)
	case q.InStock && h.Stock <= 0:
		return fmt.Sprintf("has stock %d", h.Stock)
	case q.Category != "" && h.Category != q.Category:
		return fmt.Sprintf("is in %s, not %s", h.Category, q.Category)
	case q.Near != nil && (h.DistanceKm == nil || *h.DistanceKm > q.RadiusKm):
		return fmt.Sprintf("is %v km away, beyond %v", h.DistanceKm, q.RadiusKm)
	}
	return ""
}

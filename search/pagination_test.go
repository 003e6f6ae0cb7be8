package search_test

import (
	"context"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/search"
)

// TestCursorWalksEveryHitOnce follows NextCursor through every page of
// searches in each order, and wants each match exactly once, in order, with
// the same count on every page.
func TestCursorWalksEveryHitOnce(t *testing.T) {
	t.Parallel()
	ix, _ := demoIndex(t)
	for _, c := range []struct {
		name string
		q    search.ProductQuery
	}{
		{"relevance", search.ProductQuery{Q: "amul"}},
		{"relevance with ties", search.ProductQuery{Q: "butter"}},
		{"no text", search.ProductQuery{Category: "fruits", InStock: true}},
		{"price_asc", search.ProductQuery{Q: "milk", Sort: search.SortPriceAsc}},
		{"price_desc", search.ProductQuery{Category: "dairy", Sort: search.SortPriceDesc}},
		{"newest", search.ProductQuery{Q: "tea", Sort: search.SortNewest}},
		{"distance with text", search.ProductQuery{Q: "rice", Near: &santacruz, Sort: search.SortDistance}},
		{"distance browsing", search.ProductQuery{Near: &santacruz, RadiusKm: 3, Sort: search.SortDistance}},
		{"distance browsing with a filter", search.ProductQuery{Near: &santacruz, RadiusKm: 4, MaxPrice: new(mohalla.Money(5000)), Sort: search.SortDistance}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			q := c.q
			q.Limit = 7
			seen := map[string]bool{}
			var found uint64
			var last *search.ProductHit
			for page := 0; ; page++ {
				res, err := ix.Products(context.Background(), q)
				if err != nil {
					t.Fatalf("page %d: %v", page, err)
				}
				if page == 0 {
					found = res.Found
				} else if res.Found != found {
					t.Fatalf("page %d says %d found, page 0 said %d", page, res.Found, found)
				}
				for _, h := range res.Hits {
					if seen[h.ID] {
						t.Fatalf("page %d repeats %s", page, h.ID)
					}
					seen[h.ID] = true
					if last != nil && !inSortOrder(q.Sort, *last, h) {
						t.Fatalf("page %d: %+v comes after %+v", page, h, *last)
					}
					last = &h
				}
				if res.NextCursor == "" {
					break
				}
				if len(res.Hits) != q.Limit {
					t.Fatalf("page %d has %d hits and a cursor", page, len(res.Hits))
				}
				q.Cursor = res.NextCursor
			}
			if uint64(len(seen)) != found || found < 15 {
				t.Fatalf("walked %d hits of %d found (want more than two pages)", len(seen), found)
			}
		})
	}
}

func inSortOrder(s search.Sort, a, b search.ProductHit) bool {
	switch s {
	case search.SortPriceAsc:
		return a.Price <= b.Price
	case search.SortPriceDesc:
		return a.Price >= b.Price
	case search.SortDistance:
		return *a.DistanceKm <= *b.DistanceKm
	}
	return true
}

func TestShopsNearby(t *testing.T) {
	t.Parallel()
	ix, n := demoIndex(t)
	ctx := context.Background()
	want := 0
	for _, sh := range n.Shops {
		if haversine(santacruz, sh.Location) <= 4 {
			want++
		}
	}
	q := search.ShopQuery{Near: santacruz, RadiusKm: 4, Limit: 2}
	var got []search.ShopHit
	for {
		res, err := ix.Shops(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Found != uint64(want) {
			t.Fatalf("found %d shops within 4 km, want %d", res.Found, want)
		}
		got = append(got, res.Hits...)
		if res.NextCursor == "" {
			break
		}
		q.Cursor = res.NextCursor
	}
	if len(got) != want || want < 3 {
		t.Fatalf("walked %d shops, want %d (at least 3)", len(got), want)
	}
	for i, h := range got {
		if h.DistanceKm > 4 || (i > 0 && h.DistanceKm < got[i-1].DistanceKm) {
			t.Fatalf("shop %d %s at %.3f km is out of range or order", i, h.Name, h.DistanceKm)
		}
	}
	res, err := ix.Shops(ctx, search.ShopQuery{Near: santacruz, RadiusKm: 50, Q: "bakry"})
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("bakeries: %+v, %v", res, err)
	}
	for _, h := range res.Hits {
		if !contains(h.Name, "bakery") || h.Highlight == nil || h.Highlight.Words[0] != "Bakery" {
			t.Fatalf("shop %q (%+v) for bakry", h.Name, h.Highlight)
		}
	}
	if res, err := ix.Shops(ctx, search.ShopQuery{Near: delhi, RadiusKm: 50}); err != nil || res.Found != 0 {
		t.Fatalf("shops near Delhi: %+v, %v", res, err)
	}
}

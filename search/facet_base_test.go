package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// TestFacetBasesCountAsEveryMatch checks that facets counted from a
// segment's precounted bases (facet_base.go), corrected where the matches
// differ from them, equal those counted match by match: over several
// segments with deleted and changed products, for common words alone and
// with others, as prefixes, in stock or not, and without words; and so are
// near-me searches' matches in range. Every name
// term of 20 products or more is a base here, so that the small index has
// many.
func TestFacetBasesCountAsEveryMatch(t *testing.T) {
	t.Parallel()
	ctx := store.AsProjection(context.Background(), "test")
	st, dir, svc, n := seededStore(ctx, t, &demo.Config{Users: 30, Shops: 10, Products: 1500})
	ix, err := NewIndex(st, &IndexConfig{Dir: dir + "/search"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	ix.columns.baseMin = 20 // before any columns are built
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	admin := mohalla.Caller{ID: "facet-base-test", Role: mohalla.RoleAdmin}
	r := rand.New(rand.NewPCG(7, 7))
	for range 3 { // rounds of changes: new segments, deleted documents
		for range 30 {
			p := n.Products[r.IntN(len(n.Products))]
			var err error
			switch r.IntN(3) {
			case 0: // out of stock, mostly
				_, err = svc.ChangeStock(ctx, admin, p.ID, market.ChangeStock{Delta: -max(p.Stock, 1)})
			case 1:
				err = svc.DeleteProduct(ctx, admin, p.ID)
			default:
				price, stock := mohalla.Money(100+r.IntN(50_000)), int64(r.IntN(3))
				_, err = svc.CreateProduct(ctx, admin, market.CreateProduct{Name: p.Name + " Extra", Price: &price,
					Category: p.Category, ShopID: p.ShopID, Stock: &stock})
			}
			if c := mohalla.ErrorCode(err); err != nil && c != mohalla.ENOTFOUND && c != mohalla.ECONFLICT {
				t.Fatalf("change %s: %v", p.ID, err)
			}
		}
		if err := ix.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// The commonest words of the names, each with a word of another name.
	df := map[string]int{}
	for _, p := range n.Products {
		for _, w := range strings.Fields(strings.ToLower(p.Name)) {
			df[w]++
		}
	}
	var common []string
	for w, k := range df {
		if k >= 100 && strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) < 0 {
			common = append(common, w)
		}
	}
	if len(common) == 0 {
		t.Fatal("the demo names have no common word")
	}
	for i := range 200 {
		q := ProductQuery{Facets: []string{FacetCategory, FacetShopID}, InStock: r.IntN(3) == 0,
			Limit: []int{1, 20}[r.IntN(2)]}
		switch r.IntN(5) {
		case 0: // no words: every product
		case 1:
			w := common[r.IntN(len(common))]
			q.Q = w[:max(2, len(w)-r.IntN(3))] // maybe a prefix of more terms
		case 2:
			q.Q = common[r.IntN(len(common))] + " " + randomWords(r, n.Products[r.IntN(len(n.Products))].Name)
		default:
			q.Q, q.NoPrefix = common[r.IntN(len(common))], r.IntN(2) == 0
		}
		t.Run(fmt.Sprint(i), func(t *testing.T) { compareWalks(t, ix, q) })
	}
	if ix.columns.fromBase.Load() == 0 {
		t.Fatal("no search counted its facets from a base")
	}
	// Near-me with a common word, nearest first, counts its matches in
	// range from a base (scan_near.go).
	before := ix.columns.fromBase.Load()
	for i := range 100 {
		sh := n.Shops[r.IntN(len(n.Shops))]
		q := ProductQuery{Q: common[r.IntN(len(common))], Near: &mohalla.Location{Lat: sh.Location.Lat + (r.Float64()-0.5)*0.03,
			Lng: sh.Location.Lng + (r.Float64()-0.5)*0.03}, RadiusKm: float64(1 + r.IntN(5)), Sort: SortDistance,
			InStock: r.IntN(3) == 0, Limit: []int{1, 20}[r.IntN(2)]}
		t.Run(fmt.Sprint("near", i), func(t *testing.T) { compareWalks(t, ix, q) })
	}
	if ix.columns.fromBase.Load() == before {
		t.Fatal("no near-me search counted its matches from a base")
	}
}

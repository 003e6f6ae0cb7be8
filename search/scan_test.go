package search

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// TestScanAgreesWithTheStore changes products in rounds (prices, stock,
// deletions, new products), so that the index has several segments and
// deleted documents, then reopens it from its files. Every filter and sort
// then walks, page by page, exactly the products the store holds that pass
// the filters, in the documented order, with the same counts.
func TestScanAgreesWithTheStore(t *testing.T) {
	t.Parallel()
	ctx := store.AsProjection(context.Background(), "test") // reads the store raw, as a projection
	st, dir, svc, n := seededStore(ctx, t, &demo.Config{Users: 20, Shops: 6, Products: 400})
	ix := openCaughtUp(t, st, dir+"/search")
	admin := mohalla.Caller{ID: "scan-test", Role: mohalla.RoleAdmin}
	r := rand.New(rand.NewPCG(7, 7))
	ids := make([]string, 0, len(n.Products))
	for _, p := range n.Products {
		ids = append(ids, p.ID)
	}
	for round := range 4 {
		for i := range 25 {
			id := ids[r.IntN(len(ids))]
			var err error
			switch r.IntN(4) {
			case 0:
				price := mohalla.Money(100 + r.IntN(50_000))
				_, err = svc.UpdateProduct(ctx, admin, id, market.UpdateProduct{Price: &price})
			case 1:
				var p mohalla.Product
				if p, err = svc.Product(ctx, id); err == nil && p.Stock > 0 {
					_, err = svc.ChangeStock(ctx, admin, id, market.ChangeStock{Delta: -p.Stock})
				}
			case 2:
				err = svc.DeleteProduct(ctx, admin, id)
			default:
				price, stock := mohalla.Money(100+r.IntN(50_000)), int64(r.IntN(3))
				sh := n.Shops[r.IntN(len(n.Shops))]
				_, err = svc.CreateProduct(ctx, admin, market.CreateProduct{Name: fmt.Sprintf("Round %d item %d", round, i),
					Price: &price, Category: n.Products[r.IntN(len(n.Products))].Category, ShopID: sh.ID, Stock: &stock})
			}
			if c := mohalla.ErrorCode(err); err != nil && c != mohalla.ENOTFOUND && c != mohalla.ECONFLICT { // a product deleted before
				t.Fatalf("change %s: %v", id, err)
			}
		}
		if err := ix.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix = openCaughtUp(t, st, dir+"/search")

	var all []mohalla.Product
	for after := ""; ; {
		page, err := st.Read().ListProducts(ctx, store.ProductFilter{After: after, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		all = append(all, page...)
		after = page[len(page)-1].ID
	}
	categories := map[string]bool{}
	for _, p := range all {
		categories[p.Category] = true
	}
	cats := slices.Sorted(func(yield func(string) bool) {
		for c := range categories {
			if !yield(c) {
				return
			}
		}
	})
	for i := range 150 {
		q := randomQuery(r, cats, n.Shops)
		t.Run(fmt.Sprint(i), func(t *testing.T) { checkWalk(t, ix, q, all) })
	}
}

// seededStore opens a SQLite store in a directory of its own and seeds the
// demo neighbourhood of cfg into it through the market's write path.
func seededStore(ctx context.Context, t *testing.T, cfg *demo.Config) (*store.Store, string, *market.Service, *demo.Neighbourhood) {
	t.Helper()
	dir := t.TempDir()
	st, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	svc := market.New(st, nil)
	n, err := demo.Seed(ctx, svc, cfg)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	return st, dir, svc, n
}

func openCaughtUp(t *testing.T, st *store.Store, dir string) *Index {
	t.Helper()
	ix, err := NewIndex(st, &IndexConfig{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	if err := ix.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	return ix
}

func randomQuery(r *rand.Rand, cats []string, shops []mohalla.Shop) ProductQuery {
	q := ProductQuery{Limit: 1 + r.IntN(60), Sort: []Sort{SortRelevance, SortNewest, SortPriceAsc, SortPriceDesc, SortDistance}[r.IntN(5)]}
	if r.IntN(3) == 0 {
		q.Category = cats[r.IntN(len(cats))]
	}
	if r.IntN(5) == 0 {
		q.ShopID = shops[r.IntN(len(shops))].ID
	}
	if r.IntN(3) == 0 {
		q.MinPrice = new(mohalla.Money(r.IntN(20_000)))
	}
	if r.IntN(3) == 0 {
		q.MaxPrice = new(mohalla.Money(20_000 + r.IntN(40_000)))
	}
	q.InStock = r.IntN(2) == 0
	if q.Sort == SortDistance || r.IntN(4) == 0 {
		sh := shops[r.IntN(len(shops))]
		q.Near = &mohalla.Location{Lat: sh.Location.Lat + (r.Float64()-0.5)*0.03, Lng: sh.Location.Lng + (r.Float64()-0.5)*0.03}
		if r.IntN(2) == 0 {
			q.RadiusKm = float64(1 + r.IntN(4))
		}
	}
	if r.IntN(3) == 0 {
		q.Facets = []string{FacetCategory, FacetShopID}
	}
	return q
}

// checkWalk walks every page of q and compares them with the products of all
// that pass q's filters, in q's order.
func checkWalk(t *testing.T, ix *Index, q ProductQuery, all []mohalla.Product) {
	var near map[string]float64
	if q.Near != nil {
		near = ix.table.within(*q.Near, q.RadiusKm)
	}
	type ranked struct {
		key float64 // price or distance in mm, as q sorts
		p   mohalla.Product
	}
	var want []ranked
	counts := map[string]map[string]int{FacetCategory: {}, FacetShopID: {}}
	for _, p := range all {
		_, inRange := near[p.ShopID]
		if (q.Category != "" && p.Category != q.Category) || (q.ShopID != "" && p.ShopID != q.ShopID) ||
			(q.MinPrice != nil && p.Price < *q.MinPrice) || (q.MaxPrice != nil && p.Price > *q.MaxPrice) ||
			(q.InStock && p.Stock <= 0) || (q.RadiusKm > 0 && !inRange) {
			continue
		}
		x := ranked{p: p}
		switch q.Sort {
		case SortPriceAsc:
			x.key = float64(p.Price)
		case SortPriceDesc:
			x.key = -float64(p.Price)
		case SortDistance:
			x.key = farAway
			if inRange {
				x.key = math.Round(near[p.ShopID] * 1e6)
			}
		}
		want = append(want, x)
		counts[FacetCategory][p.Category]++
		counts[FacetShopID][p.ShopID]++
	}
	// The documented order: by the sort's key, then newest first, then by id
	// (descending, as newest first orders ids of one instant).
	slices.SortFunc(want, func(x, y ranked) int {
		return cmp.Or(cmp.Compare(x.key, y.key), y.p.CreatedAt.Compare(x.p.CreatedAt), strings.Compare(y.p.ID, x.p.ID))
	})
	var got []ProductHit
	for page := 0; ; page++ {
		res, err := ix.Products(context.Background(), q)
		if err != nil {
			t.Fatalf("%+v page %d: %v", q, page, err)
		}
		if res.Found != uint64(len(want)) {
			t.Fatalf("%+v page %d: found %d, the store has %d", q, page, res.Found, len(want))
		}
		for name, fc := range res.Facets {
			wantFC := make([]FacetCount, 0, len(counts[name]))
			for v, n := range counts[name] {
				wantFC = append(wantFC, FacetCount{Value: v, Count: n})
			}
			slices.SortFunc(wantFC, func(a, b FacetCount) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.Value, b.Value)) })
			if !slices.Equal(fc, wantFC) {
				t.Fatalf("%+v: facet %s is %v, the store's is %v", q, name, fc, wantFC)
			}
		}
		got = append(got, res.Hits...)
		if res.NextCursor == "" {
			break
		}
		q.Cursor = res.NextCursor
	}
	if len(got) != len(want) {
		t.Fatalf("walked %d hits, the store has %d", len(got), len(want))
	}
	for i, h := range got {
		p := want[i].p
		if h.ID != p.ID || h.Price != p.Price || h.Stock != p.Stock || h.Version != p.Version || h.Name != p.Name {
			t.Fatalf("%+v: hit %d is %s (%d paise, stock %d, v%d), the store's is %s (%d paise, stock %d, v%d)",
				q, i, h.ID, h.Price, h.Stock, h.Version, p.ID, p.Price, p.Stock, p.Version)
		}
	}
}

package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// TestBestEqualsExhaustive checks that a search that stops at the best
// matches (by score bounds, shops nearest first, or a segment's sort orders)
// returns, page after page, exactly what ranking every match returns: the
// same hits in the same order with the same scores, the same count, facets
// and cursors. The index has several segments and deleted documents, and the
// queries mix words (as typed, as prefixes, with typos, several at once) with
// every filter and sort.
func TestBestEqualsExhaustive(t *testing.T) {
	t.Parallel()
	ctx := store.AsProjection(context.Background(), "test")
	st, dir, svc, n := seededStore(ctx, t, &demo.Config{Users: 40, Shops: 12, Products: 2500})
	ix := openCaughtUp(t, st, dir+"/search")
	admin := mohalla.Caller{ID: "topk-test", Role: mohalla.RoleAdmin}
	r := rand.New(rand.NewPCG(21, 21))
	for range 3 { // rounds of changes: new segments, deleted documents
		for range 40 {
			p := n.Products[r.IntN(len(n.Products))]
			var err error
			switch r.IntN(3) {
			case 0:
				price := mohalla.Money(100 + r.IntN(50_000))
				_, err = svc.UpdateProduct(ctx, admin, p.ID, market.UpdateProduct{Price: &price})
			case 1:
				err = svc.DeleteProduct(ctx, admin, p.ID)
			default:
				price, stock := mohalla.Money(100+r.IntN(50_000)), int64(r.IntN(3))
				_, err = svc.CreateProduct(ctx, admin, market.CreateProduct{Name: p.Name + " Extra", Price: &price,
					Category: p.Category, ShopID: p.ShopID, Stock: &stock})
			}
			if c := mohalla.ErrorCode(err); err != nil && c != mohalla.ENOTFOUND {
				t.Fatalf("change %s: %v", p.ID, err)
			}
		}
		if err := ix.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	cats := []string{demo.Fruits, demo.Vegetables, demo.Dairy, demo.Bakery, demo.Staples, demo.Snacks, demo.Beverages, demo.Household}
	for i := range 300 {
		q := randomQuery(r, cats, n.Shops)
		if r.IntN(4) != 0 {
			q.Q = randomWords(r, n.Products[r.IntN(len(n.Products))].Name)
		}
		if r.IntN(4) == 0 { // relevance, most often
			q.Sort = SortRelevance
		}
		q.Limit = []int{1, 5, 20, 20, 60}[r.IntN(5)]
		t.Run(fmt.Sprint(i), func(t *testing.T) { compareWalks(t, ix, q) })
	}
	// A walk in a sort order that gives up after a few products and ranks
	// the rest must neither lose nor repeat a hit.
	ix.walkBudget = 3
	for i := range 100 {
		q := randomQuery(r, cats, n.Shops)
		q.Sort = []Sort{SortNewest, SortPriceAsc, SortPriceDesc, SortRelevance}[r.IntN(4)]
		t.Run(fmt.Sprint("budget", i), func(t *testing.T) { compareWalks(t, ix, q) })
	}
	ix.walkBudget = 0
	// Relevance norm by norm, as a search whose words' levels combine in
	// too many ways is ranked (scan_levels.go).
	ix.levelCombos = 1
	for i := range 100 {
		q := randomQuery(r, cats, n.Shops)
		q.Q, q.Sort = randomWords(r, n.Products[r.IntN(len(n.Products))].Name), SortRelevance
		t.Run(fmt.Sprint("norms", i), func(t *testing.T) { compareWalks(t, ix, q) })
	}
	ix.levelCombos = 0
	// Near-me, nearest first: shops are taken nearest first and the search
	// stops early, and it must never leave out a product in range.
	for i := range 100 {
		sh := n.Shops[r.IntN(len(n.Shops))]
		q := ProductQuery{Near: &mohalla.Location{Lat: sh.Location.Lat + (r.Float64()-0.5)*0.03,
			Lng: sh.Location.Lng + (r.Float64()-0.5)*0.03}, RadiusKm: float64(1 + r.IntN(5)), Sort: SortDistance,
			InStock: r.IntN(2) == 0, Limit: []int{1, 5, 20, 60}[r.IntN(4)]}
		if r.IntN(3) == 0 {
			q.Q = randomWords(r, n.Products[r.IntN(len(n.Products))].Name)
		}
		t.Run(fmt.Sprint("near", i), func(t *testing.T) { compareWalks(t, ix, q) })
	}
}

// compareWalks walks up to four pages of q both ways and wants them equal.
func compareWalks(t *testing.T, ix *Index, q ProductQuery) {
	t.Helper()
	ctx := context.Background()
	for page := 0; page < 4; page++ {
		ix.exhaustive = true
		want, err := ix.Products(ctx, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		ix.exhaustive = false
		got, err := ix.Products(ctx, q)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%+v page %d:\n got found %d, %s\nwant found %d, %s", q, page, got.Found, hitList(got.Hits),
				want.Found, hitList(want.Hits))
		}
		if want.NextCursor == "" {
			return
		}
		q.Cursor = want.NextCursor
	}
}

// randomWords makes a search text from a product name: one or two of its
// words, the last maybe cut short, maybe with a letter changed.
func randomWords(r *rand.Rand, name string) string {
	ws := strings.Fields(strings.ToLower(name))
	out := []string{ws[r.IntN(len(ws))]}
	if r.IntN(3) == 0 {
		out = append(out, ws[r.IntN(len(ws))])
	}
	last := out[len(out)-1]
	switch r.IntN(4) {
	case 0:
		out[len(out)-1] = last[:max(1, min(len(last), 2+r.IntN(3)))]
	case 1:
		if len(last) > 4 {
			b := []byte(last)
			b[1+r.IntN(len(b)-2)] = byte('a' + r.IntN(26))
			out[len(out)-1] = string(b)
		}
	}
	return strings.Join(out, " ")
}

func hitList(hits []ProductHit) string {
	s := make([]string, 0, len(hits))
	for _, h := range hits {
		s = append(s, fmt.Sprintf("%s(%.4f)", h.ID, h.Score))
	}
	return strings.Join(slices.Clip(s), " ")
}

package search_test

import (
	"context"
	"slices"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/search"
)

// TestQueryOptionsBeyondTheURL covers what only Go callers (the Typesense
// API) ask for: lists of categories and shops, no typos, no prefixes, and
// each hit's score.
func TestQueryOptionsBeyondTheURL(t *testing.T) {
	t.Parallel()
	ix, n := demoIndex(t)
	cases := []struct {
		name string
		q    search.ProductQuery
		want check
	}{
		{"any of two categories", search.ProductQuery{Categories: []string{demo.Dairy, demo.Fruits}},
			found(func(_ *demo.Neighbourhood, p mohalla.Product) bool {
				return p.Category == demo.Dairy || p.Category == demo.Fruits
			})},
		{"any of two shops, with a word", search.ProductQuery{Q: "milk", ShopIDs: []string{"demo-shop-01", "demo-shop-02"}},
			func(t *testing.T, _ *demo.Neighbourhood, res search.ProductResult) {
				t.Helper()
				var sum uint64
				for _, shop := range []string{"demo-shop-01", "demo-shop-02"} {
					one, err := ix.Products(context.Background(), search.ProductQuery{Q: "milk", ShopID: shop})
					if err != nil {
						t.Fatal(err)
					}
					sum += one.Found
				}
				if res.Found != sum || sum == 0 {
					t.Fatalf("found %d, want the %d of the two shops searched one at a time", res.Found, sum)
				}
			}},
		{"a category and a list that leaves it out", search.ProductQuery{Category: demo.Dairy, Categories: []string{demo.Fruits}}, nothing},
		{"typos off", search.ProductQuery{Q: "aples", NoTypos: true}, nothing},
		{"typos on", search.ProductQuery{Q: "aples"}, top("apple")},
		{"prefix and typos off", search.ProductQuery{Q: "basm", NoPrefix: true, NoTypos: true}, nothing},
		{"prefix on, typos off", search.ProductQuery{Q: "basm", NoTypos: true}, firstAll(5, "basmati")},
		{"prefix off, a whole word", search.ProductQuery{Q: "basmati", NoPrefix: true}, firstAll(5, "basmati")},
		{"scores by relevance", search.ProductQuery{Q: "amul butter"}, every("scored, best first", func(h search.ProductHit) bool { return h.Score > 0 })},
		{"no score without words", search.ProductQuery{Category: demo.Dairy}, every("unscored", func(h search.ProductHit) bool { return h.Score == 0 })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := ix.Products(context.Background(), c.q)
			if err != nil {
				t.Fatalf("search: %v", err)
			}
			c.want(t, n, res)
			if !slices.IsSortedFunc(res.Hits, func(a, b search.ProductHit) int {
				return -cmpFloat(a.Score, b.Score)
			}) && c.q.Q != "" {
				t.Fatalf("hits not best score first: %v", res.Hits)
			}
		})
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

package search_test

import (
	"context"
	"math"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/search"
)

// A check says what a shopper should see for a query over the demo
// neighbourhood.
type check func(t *testing.T, n *demo.Neighbourhood, res search.ProductResult)

func contains(name, word string) bool {
	return strings.Contains(strings.ToLower(name), strings.ToLower(word))
}

// top wants the best hit to name every one of words.
func top(words ...string) check {
	return func(t *testing.T, _ *demo.Neighbourhood, res search.ProductResult) {
		t.Helper()
		if len(res.Hits) == 0 {
			t.Fatalf("no hits, want %q first", words)
		}
		for _, w := range words {
			if !contains(res.Hits[0].Name, w) {
				t.Fatalf("first hit %q does not contain %q; hits %s", res.Hits[0].Name, w, names(res.Hits))
			}
		}
	}
}

// firstAll wants each of the first k hits (and at least one) to name word.
func firstAll(k int, word string) check {
	return func(t *testing.T, _ *demo.Neighbourhood, res search.ProductResult) {
		t.Helper()
		if len(res.Hits) == 0 {
			t.Fatalf("no hits, want %q", word)
		}
		for i, h := range res.Hits[:min(k, len(res.Hits))] {
			if !contains(h.Name, word) {
				t.Fatalf("hit %d %q does not contain %q; hits %s", i, h.Name, word, names(res.Hits))
			}
		}
	}
}

// hasWordFrom reports whether a word of name starts with prefix.
func hasWordFrom(name, prefix string) bool {
	return slices.ContainsFunc(strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !('a' <= r && r <= 'z')
	}), func(w string) bool { return strings.HasPrefix(w, prefix) })
}

// found wants the number of matches to be the number of demo products that
// want selects.
func found(want func(n *demo.Neighbourhood, p mohalla.Product) bool) check {
	return func(t *testing.T, n *demo.Neighbourhood, res search.ProductResult) {
		t.Helper()
		c := 0
		for _, p := range n.Products {
			if want(n, p) {
				c++
			}
		}
		if res.Found != uint64(c) || c == 0 {
			t.Fatalf("found %d, want %d (and more than 0)", res.Found, c)
		}
	}
}

// every wants each hit, and at least one, to satisfy ok.
func every(what string, ok func(search.ProductHit) bool) check {
	return func(t *testing.T, _ *demo.Neighbourhood, res search.ProductResult) {
		t.Helper()
		if len(res.Hits) == 0 {
			t.Fatalf("no hits, want hits that %s", what)
		}
		for _, h := range res.Hits {
			if !ok(h) {
				t.Fatalf("hit %q (%s, %v, %s) is not %s", h.Name, h.Category, h.Price, h.ShopID, what)
			}
		}
	}
}

// inOrder wants each hit not to sort before the one above it.
func inOrder(what string, le func(a, b search.ProductHit) bool) check {
	return func(t *testing.T, _ *demo.Neighbourhood, res search.ProductResult) {
		t.Helper()
		if len(res.Hits) < 2 {
			t.Fatalf("want at least two hits in %s order, got %d", what, len(res.Hits))
		}
		for i := 1; i < len(res.Hits); i++ {
			if !le(res.Hits[i-1], res.Hits[i]) {
				t.Fatalf("hits %d and %d are not in %s order: %+v, %+v", i-1, i, what, res.Hits[i-1], res.Hits[i])
			}
		}
	}
}

func nothing(t *testing.T, _ *demo.Neighbourhood, res search.ProductResult) {
	t.Helper()
	if res.Found != 0 || len(res.Hits) != 0 {
		t.Fatalf("found %d, want nothing; hits %s", res.Found, names(res.Hits))
	}
}

// facetsSum wants the counts of facet to be those of the demo products of the
// query's category (all if "").
func facetCounts(facet string, want func(n *demo.Neighbourhood, p mohalla.Product) bool) check {
	return func(t *testing.T, n *demo.Neighbourhood, res search.ProductResult) {
		t.Helper()
		counts := map[string]int{}
		for _, p := range n.Products {
			if want(n, p) {
				if facet == search.FacetCategory {
					counts[p.Category]++
				} else {
					counts[p.ShopID]++
				}
			}
		}
		got := res.Facets[facet]
		if len(got) != min(len(counts), 20) {
			t.Fatalf("facet %s has %d values, want %d: %v", facet, len(got), len(counts), got)
		}
		for i, fc := range got {
			if counts[fc.Value] != fc.Count {
				t.Fatalf("facet %s: %s counted %d, want %d", facet, fc.Value, fc.Count, counts[fc.Value])
			}
			if i > 0 && got[i-1].Count < fc.Count {
				t.Fatalf("facet %s is not most frequent first: %v", facet, got)
			}
		}
	}
}

// Santacruz West station, the middle of the demo neighbourhood, and a point
// in Delhi, far from every shop.
var (
	santacruz = mohalla.Location{Lat: 19.0822, Lng: 72.8376}
	delhi     = mohalla.Location{Lat: 28.6139, Lng: 77.2090}
)

func shopOf(n *demo.Neighbourhood, id string) mohalla.Shop {
	for _, sh := range n.Shops {
		if sh.ID == id {
			return sh
		}
	}
	panic("no shop " + id)
}

func within(km float64) func(n *demo.Neighbourhood, p mohalla.Product) bool {
	return func(n *demo.Neighbourhood, p mohalla.Product) bool {
		return haversine(santacruz, shopOf(n, p.ShopID).Location) <= km
	}
}

func all(checks ...check) check {
	return func(t *testing.T, n *demo.Neighbourhood, res search.ProductResult) {
		t.Helper()
		for _, c := range checks {
			c(t, n, res)
		}
	}
}

// TestRelevance runs the relevance set: what a shopper types, with what they
// should see first, over the demo neighbourhood.
func TestRelevance(t *testing.T) {
	t.Parallel()
	ix, n := demoIndex(t)
	any := func(*demo.Neighbourhood, mohalla.Product) bool { return true }
	near := "near=19.0822,72.8376"
	cases := []struct {
		query string
		want  check
	}{
		// Typos: one from 4 letters, two from 7.
		{"q=aples", top("apple")},
		{"q=bananna", firstAll(10, "banana")},
		{"q=tomatoe", top("tomato")},
		{"q=amul+buter", top("amul", "butter")},
		{"q=chese", firstAll(5, "cheese")},
		{"q=panner", firstAll(5, "paneer")},
		{"q=biscuts", firstAll(5, "biscuit")},
		{"q=corriander", top("coriander")},
		{"q=detergant", firstAll(3, "detergent")},
		{"q=shampo", firstAll(3, "shampoo")},
		{"q=yoghurt", top("yogurt")},
		{"q=pinaple", top("pineapple")},
		{"q=cashwe", top("cashew")},
		{"q=sugr", top("sugar")},
		// Typos are tried only when the words as typed find nothing (as
		// Typesense's typo_tokens_threshold 1): "atta" finds atta, not also
		// "Tata", a swap away; "aata" finds atta.
		{"q=atta&limit=100", all(
			every(`has a word from "atta"`, func(h search.ProductHit) bool { return hasWordFrom(h.Name, "atta") }),
			found(func(_ *demo.Neighbourhood, p mohalla.Product) bool { return hasWordFrom(p.Name, "atta") }))},
		{"q=aata", top("atta")},
		// Singular and plural find each other.
		{"q=eggs", firstAll(5, "egg")},
		{"q=apples", firstAll(5, "apple")},
		{"q=cookie", top("cookies")},
		// The last word is a prefix while it is typed.
		{"q=organic+app", all(top("organic", "apple"), every("organic", func(h search.ProductHit) bool { return contains(h.Name, "organic") }))},
		{"q=basm", firstAll(5, "basmati")},
		{"q=choc", firstAll(5, "choc")},
		{"q=amul+ghe", top("amul", "ghee")},
		{"q=britannia+ch", top("britannia", "cheese")},
		{"q=harp", top("harpic")},
		// Several words: all of them, else any of them.
		{"q=haldiram+bhujia", top("haldiram", "bhujia")},
		{"q=amul+xyzzy", firstAll(10, "amul")},
		{"q=lays", firstAll(5, "lay's")},
		{"q=coca+cola", top("coca-cola")},
		{"q=mosambi", top("mosambi")},
		{"q=CHIKOO", top("chikoo")},
		{"q=p%C3%A2neer", firstAll(5, "paneer")}, // "pâneer"
		// Odd characters are data, never syntax.
		{"q=%22apple%22", top("apple")},
		{"q=apple*", top("apple")},
		{"q=~milk", firstAll(5, "milk")},
		{"q=-sugar", firstAll(5, "sugar")},
		{"q=name:bread", firstAll(5, "bread")},
		{"q=%2Bmilk+-toast", firstAll(5, "milk")},
		{"q=rice+AND+dal", every("rice or dal", func(h search.ProductHit) bool { return contains(h.Name, "rice") || contains(h.Name, "dal") })},
		{"q=%27%3B+DROP+TABLE+products%3B+--", nothing},
		{"q=%2A", found(any)},
		{"q=%28%29%5B%5D%7B%7D%5E%22%3A%5C", found(any)},
		// Filters.
		{"category=dairy", all(found(func(_ *demo.Neighbourhood, p mohalla.Product) bool { return p.Category == demo.Dairy }),
			every("dairy", func(h search.ProductHit) bool { return h.Category == demo.Dairy }))},
		{"q=milk&category=snacks", every("snacks with milk", func(h search.ProductHit) bool {
			return h.Category == demo.Snacks && contains(h.Name, "milk")
		})},
		{"shopId=demo-shop-04", found(func(_ *demo.Neighbourhood, p mohalla.Product) bool { return p.ShopID == "demo-shop-04" })},
		{"minPrice=100&maxPrice=200", found(func(_ *demo.Neighbourhood, p mohalla.Product) bool {
			return p.Price >= 10000 && p.Price <= 20000
		})},
		{"minPrice=49.5&maxPrice=49.5", found(func(_ *demo.Neighbourhood, p mohalla.Product) bool { return p.Price == 4950 })},
		{"inStock=true", found(func(_ *demo.Neighbourhood, p mohalla.Product) bool { return p.Stock > 0 })},
		{"q=apple&maxPrice=200&inStock=true", every("an apple in stock at most ₹200", func(h search.ProductHit) bool {
			return contains(h.Name, "apple") && h.Price <= 20000 && h.Stock > 0
		})},
		// Sorting.
		{"category=fruits&sort=price_asc&limit=50", inOrder("cheapest first", func(a, b search.ProductHit) bool { return a.Price <= b.Price })},
		{"q=basmati&sort=price_desc", all(firstAll(20, "basmati"), inOrder("dearest first", func(a, b search.ProductHit) bool { return a.Price >= b.Price }))},
		// Near me.
		{near + "&radiusKm=2", all(found(within(2)), every("within 2 km", func(h search.ProductHit) bool { return *h.DistanceKm <= 2 }))},
		{near + "&radiusKm=2&sort=distance&limit=50", inOrder("nearest first", func(a, b search.ProductHit) bool { return *a.DistanceKm <= *b.DistanceKm })},
		{near + "&radiusKm=5&q=bread&sort=distance", all(found(func(n *demo.Neighbourhood, p mohalla.Product) bool {
			return contains(p.Name, "bread") && within(5)(n, p)
		}), inOrder("nearest first", func(a, b search.ProductHit) bool { return *a.DistanceKm <= *b.DistanceKm }))},
		{near + "&radiusKm=3&category=fruits&sort=distance", all(found(func(n *demo.Neighbourhood, p mohalla.Product) bool {
			return p.Category == demo.Fruits && within(3)(n, p)
		}), inOrder("nearest first", func(a, b search.ProductHit) bool { return *a.DistanceKm <= *b.DistanceKm }))},
		{"near=28.6139,77.2090&radiusKm=50", nothing},
		{"q=milk&" + near, every("at a distance", func(h search.ProductHit) bool { return h.DistanceKm != nil && *h.DistanceKm < 20 })},
		// Facets count every match.
		{"facets=category", facetCounts(search.FacetCategory, any)},
		{"q=milk&facets=category,shopId", all(top("milk"), func(t *testing.T, _ *demo.Neighbourhood, res search.ProductResult) {
			t.Helper()
			sum := 0
			for _, fc := range res.Facets[search.FacetCategory] {
				sum += fc.Count
			}
			if uint64(sum) != res.Found || res.Facets[search.FacetCategory][0].Value != demo.Dairy {
				t.Fatalf("category counts %v add up to %d of %d, and dairy should lead", res.Facets[search.FacetCategory], sum, res.Found)
			}
		})},
		{"category=fruits&facets=shopId", facetCounts(search.FacetShopID, func(_ *demo.Neighbourhood, p mohalla.Product) bool {
			return p.Category == demo.Fruits
		})},
		{near + "&radiusKm=3&sort=distance&facets=category", facetCounts(search.FacetCategory, within(3))},
	}
	if len(cases) < 40 {
		t.Fatalf("the relevance set has %d queries, want at least 40", len(cases))
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			v, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			q, err := search.ParseProductQuery(v)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			res, err := ix.Products(context.Background(), q)
			if err != nil {
				t.Fatalf("search: %v", err)
			}
			c.want(t, n, res)
		})
	}
}

// haversine is the great-circle distance of a and b in km.
func haversine(a, b mohalla.Location) float64 {
	const r = 6371.0088
	rad := math.Pi / 180
	dlat, dlng := (b.Lat-a.Lat)*rad, (b.Lng-a.Lng)*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dlng/2)*math.Sin(dlng/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

package search_test

import (
	"context"
	"errors"
	"net/url"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/search"
)

// invalidField returns the field an EINVALID error names, or fails.
func invalidField(t *testing.T, err error) string {
	t.Helper()
	var e *mohalla.Error
	if !errors.As(err, &e) || e.Code != mohalla.EINVALID || len(e.Fields) == 0 {
		t.Fatalf("got %v, want EINVALID naming a field", err)
	}
	return e.Fields[0].Field
}

func TestParseProductQueryNamesTheBadParameter(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ query, field string }{
		{"near=19.08", "near"},
		{"near=north,south", "near"},
		{"near=91,72.8", "near"},
		{"near=19.08,181", "near"},
		{"near=NaN,72.8", "near"},
		{"near=19.08,72.83&radiusKm=51", "radiusKm"},
		{"near=19.08,72.83&radiusKm=0", "radiusKm"},
		{"near=19.08,72.83&radiusKm=-2", "radiusKm"},
		{"near=19.08,72.83&radiusKm=two", "radiusKm"},
		{"radiusKm=2", "radiusKm"},
		{"sort=cheapest", "sort"},
		{"sort=distance", "sort"},
		{"minPrice=-1", "minPrice"},
		{"maxPrice=-0.5", "maxPrice"},
		{"minPrice=10.001", "minPrice"},
		{"minPrice=ten", "minPrice"},
		{"minPrice=200&maxPrice=100", "maxPrice"},
		{"inStock=maybe", "inStock"},
		{"facets=price", "facets"},
		{"limit=0", "limit"},
		{"limit=101", "limit"},
		{"limit=x", "limit"},
		{"cursor=not-a-cursor", "cursor"},
		{"q=" + url.QueryEscape(string(make([]byte, 201))), "q"},
		{"q=%ff%fe", "q"},
	} {
		t.Run(c.query, func(t *testing.T) {
			v, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			q, err := search.ParseProductQuery(v)
			if err == nil {
				// Some mistakes only show against the index: the cursor.
				ix, _ := demoIndex(t)
				_, err = ix.Products(context.Background(), q)
			}
			if got := invalidField(t, err); got != c.field {
				t.Fatalf("error names %q, want %q (%v)", got, c.field, err)
			}
		})
	}
}

func TestParseProductQueryReadsEveryParameter(t *testing.T) {
	t.Parallel()
	v, _ := url.ParseQuery("q=+Amul+butter+&category=Dairy&shopId=demo-shop-01&minPrice=49.5&maxPrice=300" +
		"&inStock=true&near=19.0822,+72.8376&radiusKm=2.5&sort=distance&facets=category,shopId,category&limit=7")
	q, err := search.ParseProductQuery(v)
	if err != nil {
		t.Fatal(err)
	}
	if q.Q != "Amul butter" || q.Category != "dairy" || q.ShopID != "demo-shop-01" || *q.MinPrice != 4950 ||
		*q.MaxPrice != 30000 || !q.InStock || q.Near.Lat != 19.0822 || q.Near.Lng != 72.8376 || q.RadiusKm != 2.5 ||
		q.Sort != search.SortDistance || len(q.Facets) != 2 || q.Limit != 7 {
		t.Fatalf("parsed %+v", q)
	}
	q, err = search.ParseProductQuery(url.Values{})
	if err != nil || q.Sort != search.SortRelevance || q.Limit != search.DefaultLimit {
		t.Fatalf("defaults: %+v, %v", q, err)
	}
}

func TestParseShopQuery(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ query, field string }{
		{"", "near"},
		{"near=19.08", "near"},
		{"near=19.08,72.83&radiusKm=60", "radiusKm"},
		{"near=19.08,72.83&limit=500", "limit"},
	} {
		_, err := search.ParseShopQuery(values(t, c.query))
		if got := invalidField(t, err); got != c.field {
			t.Errorf("%q: error names %q, want %q", c.query, got, c.field)
		}
	}
	q, err := search.ParseShopQuery(values(t, "near=19.08,72.83&q=bakery"))
	if err != nil || q.RadiusKm != 5 || q.Q != "bakery" || q.Limit != search.DefaultLimit {
		t.Fatalf("parsed %+v, %v", q, err)
	}
}

func values(t testing.TB, query string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

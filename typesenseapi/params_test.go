package typesenseapi

import (
	"errors"
	"net/url"
	"reflect"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/search"
)

func params(t *testing.T, query string) searchParams {
	t.Helper()
	v, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	p := searchParams{}
	for k := range v {
		p[k] = v.Get(k)
	}
	return p
}

func money(rupees string) *mohalla.Money {
	m, err := mohalla.ParseRupees(rupees)
	if err != nil {
		panic(err)
	}
	return &m
}

// TestTranslate: each Typesense search becomes the product query that asks
// the same of the index.
func TestTranslate(t *testing.T) {
	t.Parallel()
	near := &mohalla.Location{Lat: 19.0822, Lng: 72.8376}
	for _, c := range []struct {
		query string
		want  search.ProductQuery
		page  int
	}{
		{"q=*", search.ProductQuery{Limit: 10, Sort: search.SortRelevance}, 1},
		{"q=amul+bu&query_by=name&num_typos=0&prefix=false",
			search.ProductQuery{Q: "amul bu", Limit: 10, Sort: search.SortRelevance, NoTypos: true, NoPrefix: true}, 1},
		{"q=*&filter_by=category:=[Dairy,`fruits`]+%26%26+shopId:demo-shop-01",
			search.ProductQuery{Categories: []string{"dairy", "fruits"}, ShopIDs: []string{"demo-shop-01"}, Limit: 10, Sort: search.SortRelevance}, 1},
		{"q=*&filter_by=price:[10..99.5]+%26%26+price:>=20+%26%26+stock:>0",
			search.ProductQuery{MinPrice: money("20"), MaxPrice: money("99.5"), InStock: true, Limit: 10, Sort: search.SortRelevance}, 1},
		{"q=*&filter_by=price:>10+%26%26+price:<20",
			search.ProductQuery{MinPrice: money("10.01"), MaxPrice: money("19.99"), Limit: 10, Sort: search.SortRelevance}, 1},
		{"q=*&filter_by=price:=49.5", search.ProductQuery{MinPrice: money("49.5"), MaxPrice: money("49.5"), Limit: 10, Sort: search.SortRelevance}, 1},
		{"q=*&filter_by=location:(19.0822,+72.8376,+3+km)&sort_by=location(19.0822,+72.8376):asc&per_page=50&page=3",
			search.ProductQuery{Near: near, RadiusKm: 3, Sort: search.SortDistance, Limit: 50}, 3},
		{"q=*&sort_by=location(19.0822,72.8376):asc", search.ProductQuery{Near: near, Sort: search.SortDistance, Limit: 10}, 1},
		{"q=*&sort_by=price:desc&facet_by=category,shopId,category&per_page=0",
			search.ProductQuery{Sort: search.SortPriceDesc, Facets: []string{"category", "shopId"}, Limit: 1}, 1},
	} {
		t.Run(c.query, func(t *testing.T) {
			pl, err := translate(collectionProducts, params(t, c.query))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(pl.product, c.want) || pl.page != c.page {
				t.Fatalf("got %+v page %d, want %+v page %d", pl.product, pl.page, c.want, c.page)
			}
		})
	}
}

// TestTranslateRefuses: what cannot be honoured is a 400 naming the
// parameter, never a search that ignores it.
func TestTranslateRefuses(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		collection, query, param string
	}{
		{collectionProducts, "q=*&group_by=category", "group_by"},
		{collectionProducts, "q=*&include_fields=name", "include_fields"},
		{collectionProducts, "q=*&highlight_start_tag=<b>", "highlight_start_tag"},
		{collectionProducts, "q=milk", "query_by"},
		{collectionProducts, "q=milk&query_by=name,description", "query_by"},
		{collectionProducts, "q=milk&query_by=name&query_by_weights=1,2", "query_by_weights"},
		{collectionProducts, "q=*&filter_by=category:!=dairy", "filter_by"},
		{collectionProducts, "q=*&filter_by=category:dairy+||+category:fruits", "filter_by"},
		{collectionProducts, "q=*&filter_by=stock:>5", "filter_by"},
		{collectionProducts, "q=*&filter_by=price:cheap", "filter_by"},
		{collectionProducts, "q=*&filter_by=price:>10.001", "filter_by"},
		{collectionProducts, "q=*&filter_by=location:(19,72,80+km)", "filter_by"},
		{collectionProducts, "q=*&filter_by=location:(19,72,5+mi)", "filter_by"},
		{collectionProducts, "q=*&filter_by=name:milk", "filter_by"},
		{collectionProducts, "q=*&filter_by=category", "filter_by"},
		{collectionProducts, "q=*&sort_by=_text_match:desc,price:asc", "sort_by"},
		{collectionProducts, "q=*&filter_by=location:(19,72,5+km)&sort_by=location(18,72):asc", "sort_by"},
		{collectionProducts, "q=*&facet_by=price", "facet_by"},
		{collectionProducts, "q=*&max_facet_values=50", "max_facet_values"},
		{collectionProducts, "q=*&per_page=101", "per_page"},
		{collectionProducts, "q=*&page=0", "page"},
		{collectionProducts, "q=*&page=200&per_page=100", "page"},
		{collectionProducts, "q=*&num_typos=1", "num_typos"},
		{collectionProducts, "q=*&prefix=true,false", "prefix"},
		{collectionProducts, "q=*&highlight_fields=category", "highlight_fields"},
		{collectionShops, "q=*", "filter_by"},
		{collectionShops, "q=*&filter_by=location:(19,72,5+km)&facet_by=category", "facet_by"},
		{collectionShops, "q=*&filter_by=location:(19,72,5+km)+%26%26+category:dairy", "filter_by"},
		{collectionShops, "q=*&filter_by=location:(19,72,5+km)&sort_by=name:asc", "sort_by"},
	} {
		t.Run(c.collection+"?"+c.query, func(t *testing.T) {
			_, err := translate(c.collection, params(t, c.query))
			var pe *paramError
			if !errors.As(err, &pe) || pe.param != c.param {
				t.Fatalf("got %v, want a refusal naming %s", err, c.param)
			}
		})
	}
}

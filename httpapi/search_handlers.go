package httpapi

import (
	"net/http"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/search"
)

// searchRoutes are the routes of product and shop search, to anyone: always
// documented, and answered 503 by a server without an index (ix nil) and by
// one whose index is still being built.
func searchRoutes(ix *search.Index) []route {
	errs := []int{401, 422}
	return []route{
		{Method: "GET", Path: "/v1/search/products", ID: "searchProducts", Tag: "search",
			Summary: "Search products, to anyone: typo-tolerant words (4+ letters allow one typo, 7+ two; exact matches rank first), the last word as a prefix, filters, near a point, sorted, with facet counts, a page at a time. Query text is data, never syntax.",
			Auth:    true, Query: []param{
				{Name: "q", Type: "string", Doc: "words to find in product names, at most 200 characters", MaxLength: search.MaxQueryLength},
				{Name: "category", Type: "string", Doc: "only this category", MaxLength: 50},
				{Name: "shopId", Type: "string", Doc: "only this shop's products", ID: true},
				{Name: "minPrice", Type: "string", Doc: "only products at least this price, in rupees (49.5)", Number: true},
				{Name: "maxPrice", Type: "string", Doc: "only products at most this price, in rupees", Number: true},
				{Name: "inStock", Type: "string", Doc: "true: only products in stock", Enum: []string{"true", "false"}},
				{Name: "near", Type: "string", Doc: "lat,lng: give each hit its shop's distance from here", Point: true},
				{Name: "radiusKm", Type: "string", Doc: "with near: only products of shops within this many km, at most 50", Number: true},
				{Name: "sort", Type: "string", Doc: "relevance (default), price_asc, price_desc, distance (needs near) or newest", Enum: []string{"relevance", "price_asc", "price_desc", "distance", "newest"}},
				{Name: "facets", Type: "string", Doc: "comma-separated: category and/or shopId, counted over all matches"},
				{Name: "limit", Type: "integer", Doc: "hits per page, 1 to 100; default 20", Min: 1, Max: search.MaxLimit},
				{Name: "cursor", Type: "string", Doc: "the nextCursor of the previous page"},
			},
			Status: http.StatusOK, Result: search.ProductResult{}, Errors: errs, handle: searchHandler(ix, searchProducts), Budget: budgetSearch},
		{Method: "GET", Path: "/v1/search/shops", ID: "searchShops", Tag: "search",
			Summary: "Find shops near a point, nearest first, to anyone; q matches their names as product search does.",
			Auth:    true, Query: []param{
				{Name: "near", Type: "string", Doc: "lat,lng, required", Point: true},
				{Name: "radiusKm", Type: "string", Doc: "within this many km, at most 50; default 5", Number: true},
				{Name: "q", Type: "string", Doc: "words to find in shop names", MaxLength: search.MaxQueryLength},
				{Name: "limit", Type: "integer", Doc: "hits per page, 1 to 100; default 20", Min: 1, Max: search.MaxLimit},
				{Name: "cursor", Type: "string", Doc: "the nextCursor of the previous page"},
			},
			Status: http.StatusOK, Result: search.ShopResult{}, Errors: errs, handle: searchHandler(ix, searchShops), Budget: budgetSearch},
	}
}

// searchHandler answers 503 without an index, and else runs fn.
func searchHandler(ix *search.Index, fn func(*http.Request, *search.Index) (any, error)) handler {
	return func(r *http.Request, _ mohalla.Caller) (any, error) {
		if ix == nil {
			return nil, mohalla.Errorf(mohalla.EUNAVAILABLE, "this server has no search index")
		}
		return fn(r, ix)
	}
}

func searchProducts(r *http.Request, ix *search.Index) (any, error) {
	q, err := search.ParseProductQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return ix.Products(r.Context(), q)
}

func searchShops(r *http.Request, ix *search.Index) (any, error) {
	q, err := search.ParseShopQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return ix.Shops(r.Context(), q)
}

package httpapi

import (
	"net/http"

	"github.com/mohallamart/mohalla/inngestapi"
	"github.com/mohallamart/mohalla/typesenseapi"
)

// TypesensePrefix is where the Typesense-compatible search API is served: a
// typesense-js client's node is {host, port, protocol, path: "/typesense"}.
const TypesensePrefix = "/typesense"

// compatRoutes speak the parts of Typesense's search API and Inngest's event
// API that their official clients call, in those products' shapes (errors
// included), so code written against them moves by changing a URL and a key.
func (s *Server) compatRoutes() []route {
	ts := typesenseapi.New(s.search, s.svc, &typesenseapi.Config{Logger: s.log, MaxBodyBytes: s.maxBody})
	in := inngestapi.New(s.svc, &inngestapi.Config{Logger: s.log, MaxBodyBytes: s.maxBody})
	tsErr := typesenseapi.Error{}
	return []route{
		{Method: "GET", Path: TypesensePrefix + "/health", ID: "typesenseHealth", Tag: "compat",
			Summary: "Typesense's health check, to anyone: ok once the search index is built, else 503.",
			Status:  http.StatusOK, Result: typesenseapi.Health{}, Compat: ts.Health(), CompatError: typesenseapi.Health{}, Budget: budgetNone},
		{Method: "GET", Path: TypesensePrefix + "/collections/{name}", ID: "typesenseCollection", Tag: "compat",
			Summary: "Typesense's collection schema, of products or shops. Needs an API key of either kind as X-TYPESENSE-API-KEY (header or query parameter).",
			Status:  http.StatusOK, Result: typesenseapi.Collection{}, Errors: []int{401, 404},
			Compat: ts.Collection(), CompatError: tsErr},
		{Method: "GET", Path: TypesensePrefix + "/collections/{name}/documents/search", ID: "typesenseSearch", Tag: "compat",
			Summary: "Typesense's search, of products or shops, over this node's index. Needs an API key of either kind as X-TYPESENSE-API-KEY (header or query parameter). A parameter this server does not support is 400 naming it, never ignored.",
			Query: []param{
				{Name: "q", Type: "string", Doc: "words to find in names; * for every document"},
				{Name: "query_by", Type: "string", Doc: "name, the one field searched"},
				{Name: "query_by_weights", Type: "string", Doc: "one weight per query_by field"},
				{Name: "filter_by", Type: "string", Doc: "clauses joined by &&: category and shopId (:=value or :[a,b]), price (:>, :>=, :<, :<=, := or :[a..b], rupees), stock:>0, location:(lat, lng, r km)"},
				{Name: "facet_by", Type: "string", Doc: "category and/or shopId"},
				{Name: "max_facet_values", Type: "integer", Doc: "values per facet, 1 to 20; default 10"},
				{Name: "sort_by", Type: "string", Doc: "_text_match:desc (default), price:asc, price:desc or location(lat,lng):asc"},
				{Name: "page", Type: "integer", Doc: "from 1; default 1"},
				{Name: "per_page", Type: "integer", Doc: "0 to 100; default 10"},
				{Name: "highlight_fields", Type: "string", Doc: "name (default) or none"},
				{Name: "highlight_full_fields", Type: "string", Doc: "name"},
				{Name: "num_typos", Type: "integer", Doc: "0, or 2 (default: words of 4+ letters allow one typo, 7+ two)"},
				{Name: "prefix", Type: "string", Doc: "true (default): the last word is a prefix"},
			},
			Status: http.StatusOK, Result: typesenseapi.SearchResult{}, Errors: []int{400, 401, 404},
			Compat: ts.Search(), CompatError: tsErr, Budget: budgetSearch},
		{Method: "POST", Path: TypesensePrefix + "/multi_search", ID: "typesenseMultiSearch", Tag: "compat",
			Summary: "Typesense's multi-search: several searches in one request, each with its collection; the query string's parameters apply to all. A search that fails has its code and error in place of its result. Needs an API key as X-TYPESENSE-API-KEY.",
			Body:    typesenseapi.MultiSearchBody{}, Status: http.StatusOK, Result: typesenseapi.MultiSearchResult{},
			Errors: []int{400, 401, 413}, Compat: ts.MultiSearch(), CompatError: tsErr, Budget: budgetSearch},
		{Method: "OPTIONS", Path: TypesensePrefix + "/collections/{name}/documents/search", ID: "typesenseSearchPreflight", Tag: "compat",
			Summary: "CORS preflight of a search from a web page: any origin may search, with its key as X-TYPESENSE-API-KEY.",
			Status:  http.StatusNoContent, Compat: ts.Preflight(), CompatError: tsErr, Budget: budgetNone},
		{Method: "OPTIONS", Path: TypesensePrefix + "/multi_search", ID: "typesenseMultiSearchPreflight", Tag: "compat",
			Summary: "CORS preflight of a multi-search from a web page (InstantSearch's adapter): any origin may search, with its key as X-TYPESENSE-API-KEY.",
			Status:  http.StatusNoContent, Compat: ts.Preflight(), CompatError: tsErr, Budget: budgetNone},
		{Method: "POST", Path: "/e/{eventKey}", ID: "inngestSend", Tag: "compat",
			Summary: "Inngest's event API, as the Inngest SDK's send posts: one event or an array ({name, data, user, id, ts, v}), validated as POST /v1/events, stored once per id, triggering the functions. eventKey is a service API key. user is accepted and not kept.",
			Body:    []inngestapi.Event{}, Status: http.StatusOK, Result: inngestapi.Result{},
			Errors: []int{400, 401, 403, 413}, Compat: in.Send(), CompatError: inngestapi.Error{}},
	}
}

// Package typesenseapi serves the part of Typesense's HTTP API that its
// search clients call (typesense-js, the InstantSearch adapter), over this
// node's search index: searching the products and shops collections, one
// search or several at once, their schemas and the node's health. A team whose
// pages search through Typesense moves by changing the client's host and key.
// Writes are not served: documents follow the store's writes by themselves.
package typesenseapi

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/search"
)

// The collections, as Typesense names them.
const (
	collectionProducts = "products"
	collectionShops    = "shops"
)

// Keys verifies the API keys presented as X-TYPESENSE-API-KEY.
type Keys interface {
	// VerifySearchKey returns the caller of key, an API key of any kind, or
	// EUNAUTHENTICATED.
	VerifySearchKey(ctx context.Context, key string) (mohalla.Caller, error)
}

// Config configures an API. A nil *Config, or a zero field, is the default.
type Config struct {
	Logger *slog.Logger // internal errors; default: discard
	// MaxBodyBytes bounds the body of a multi-search. Default 1 MiB.
	MaxBodyBytes int64
}

// API serves the Typesense-compatible routes. Its handlers are mounted by the
// server's route table (httpapi) under a prefix such as /typesense.
type API struct {
	ix      *search.Index
	keys    Keys
	log     *slog.Logger
	maxBody int64
}

// New returns the API searching ix (nil: every search answers 503) for the
// callers whose keys keys verifies.
func New(ix *search.Index, keys Keys, cfg *Config) *API {
	if cfg == nil {
		cfg = &Config{}
	}
	return &API{ix: ix, keys: keys, log: cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler)),
		maxBody: cmp.Or(cfg.MaxBodyBytes, 1<<20)}
}

// Error is the body of every error, as Typesense writes it.
type Error struct {
	Message string `json:"message"`
}

// Health is the body of GET /health.
type Health struct {
	OK bool `json:"ok"`
}

// Preflight answers a browser's CORS preflight (OPTIONS) for a search: as
// Typesense does by default, any page may search, with its key in a header.
// Keys are sent as headers, never cookies, so no page gains what it has not
// got a key for.
func (a *API) Preflight() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Content-Type, X-TYPESENSE-API-KEY")
		h.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
	})
}

// Health serves GET /health, to anyone: ok once the index is built, else 503.
func (a *API) Health() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.ix == nil || !a.ix.Ready() {
			a.write(w, r, http.StatusServiceUnavailable, Health{OK: false})
			return
		}
		a.write(w, r, http.StatusOK, Health{OK: true})
	})
}

// Collection serves GET /collections/{name}: the collection's schema.
func (a *API) Collection() http.Handler {
	return a.authorized(func(w http.ResponseWriter, r *http.Request) {
		c, ok := schemas[r.PathValue("name")]
		if !ok {
			a.fail(w, r, errNotFound)
			return
		}
		counts, err := a.counts(r.Context())
		if err != nil {
			a.fail(w, r, err)
			return
		}
		c.NumDocuments = counts.Products
		if c.Name == collectionShops {
			c.NumDocuments = counts.Shops
		}
		a.write(w, r, http.StatusOK, c)
	})
}

// Search serves GET /collections/{name}/documents/search.
func (a *API) Search() http.Handler {
	return a.authorized(func(w http.ResponseWriter, r *http.Request) {
		p := searchParams{}
		for k, v := range r.URL.Query() {
			if len(v) > 1 {
				a.fail(w, r, badParam(k, "is given more than once"))
				return
			}
			p[k] = v[0]
		}
		res, err := a.search(r.Context(), r.PathValue("name"), p)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		a.write(w, r, http.StatusOK, res)
	})
}

// MultiSearchBody is the body of POST /multi_search: searches, each with its
// collection and its parameters.
type MultiSearchBody struct {
	Searches []map[string]any `json:"searches"`
}

// MultiSearchResult answers POST /multi_search: one result per search, in
// order, each a SearchResult or, for a search that failed, a SearchFailure.
type MultiSearchResult struct {
	Results []any `json:"results"`
}

// SearchFailure is the result of a search of a multi-search that failed, as
// Typesense writes it.
type SearchFailure struct {
	Code  int    `json:"code"`
	Error string `json:"error"`
}

// maxSearches bounds the searches of one multi-search.
const maxSearches = 50

// MultiSearch serves POST /multi_search: the query string's parameters apply
// to every search, and each search's own override them.
func (a *API) MultiSearch() http.Handler {
	return a.authorized(func(w http.ResponseWriter, r *http.Request) {
		var body MultiSearchBody
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, a.maxBody))
		dec.UseNumber()
		err := dec.Decode(&body)
		if err == nil && dec.Decode(&struct{}{}) != io.EOF {
			err = errors.New("more after the body")
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				a.write(w, r, http.StatusRequestEntityTooLarge, Error{Message: fmt.Sprintf("The body is over %d bytes.", tooBig.Limit)})
				return
			}
			a.fail(w, r, badParam("searches", "the body must be a JSON object {\"searches\": [...]}"))
			return
		}
		if len(body.Searches) == 0 || len(body.Searches) > maxSearches {
			a.fail(w, r, badParam("searches", "must hold 1 to %d searches", maxSearches))
			return
		}
		common := searchParams{}
		for k, v := range r.URL.Query() {
			common[k] = v[0]
		}
		out := MultiSearchResult{Results: make([]any, len(body.Searches))}
		for i, s := range body.Searches {
			p, collection, err := multiParams(common, s)
			if err == nil {
				var res SearchResult
				if res, err = a.search(r.Context(), collection, p); err == nil {
					out.Results[i] = res
					continue
				}
			}
			status, msg := a.status(r.Context(), err)
			if status >= 500 {
				a.fail(w, r, err) // the index is down: no search would answer
				return
			}
			out.Results[i] = SearchFailure{Code: status, Error: msg}
		}
		a.write(w, r, http.StatusOK, out)
	})
}

// multiParams merges one search of a multi-search over the common
// parameters, its values as strings.
func multiParams(common searchParams, s map[string]any) (searchParams, string, error) {
	p := searchParams{}
	for k, v := range common {
		p[k] = v
	}
	collection := ""
	for k, v := range s {
		var str string
		switch v := v.(type) {
		case string:
			str = v
		case json.Number:
			str = v.String()
		case bool:
			str = "false"
			if v {
				str = "true"
			}
		default:
			return nil, "", badParam(k, "must be a string, a number or a boolean")
		}
		if k == "collection" {
			collection = str
			continue
		}
		p[k] = str
	}
	if collection == "" {
		return nil, "", badParam("collection", "each search names its collection")
	}
	return p, collection, nil
}

// search runs one search of collection.
func (a *API) search(ctx context.Context, collection string, p searchParams) (SearchResult, error) {
	start := time.Now()
	if collection != collectionProducts && collection != collectionShops {
		return SearchResult{}, errNotFound
	}
	pl, err := translate(collection, p)
	if err != nil {
		return SearchResult{}, err
	}
	if a.ix == nil {
		return SearchResult{}, mohalla.Errorf(mohalla.EUNAVAILABLE, "this server has no search index")
	}
	counts, err := a.counts(ctx)
	if err != nil {
		return SearchResult{}, err
	}
	out := SearchResult{Page: pl.page, Hits: []Hit{}, FacetCounts: []FacetCounts{},
		RequestParams: RequestParams{CollectionName: collection, PerPage: pl.perPage, Q: p["q"]}}
	if collection == collectionShops {
		out.OutOf = counts.Shops
		err = a.searchShops(ctx, pl, &out)
	} else {
		out.OutOf = counts.Products
		err = a.searchProducts(ctx, pl, &out)
	}
	out.SearchTimeMs = time.Since(start).Milliseconds()
	return out, err
}

// searchProducts pages through the index's cursors to page pl.page: Typesense
// numbers pages, the index continues from the last hit.
func (a *API) searchProducts(ctx context.Context, pl plan, out *SearchResult) error {
	q := pl.product
	for page := 1; ; page++ {
		res, err := a.ix.Products(ctx, q)
		if err != nil {
			return err
		}
		if page == 1 {
			out.Found = res.Found
			out.FacetCounts = facetCounts(pl.facets, res.Facets, pl.facetValues)
			q.Facets = nil // counted once
		}
		if page == pl.page {
			for _, h := range res.Hits[:min(len(res.Hits), pl.perPage)] {
				out.Hits = append(out.Hits, productHit(h, pl.highlight))
			}
			return nil
		}
		if res.NextCursor == "" {
			return nil // past the last page: no hits
		}
		q.Cursor = res.NextCursor
	}
}

func (a *API) searchShops(ctx context.Context, pl plan, out *SearchResult) error {
	q := pl.shop
	for page := 1; ; page++ {
		res, err := a.ix.Shops(ctx, q)
		if err != nil {
			return err
		}
		out.Found = res.Found
		if page == pl.page {
			for _, h := range res.Hits[:min(len(res.Hits), pl.perPage)] {
				out.Hits = append(out.Hits, shopHit(h, pl.highlight))
			}
			return nil
		}
		if res.NextCursor == "" {
			return nil
		}
		q.Cursor = res.NextCursor
	}
}

func (a *API) counts(ctx context.Context) (search.Counts, error) {
	if a.ix == nil {
		return search.Counts{}, mohalla.Errorf(mohalla.EUNAVAILABLE, "this server has no search index")
	}
	return a.ix.Counts(ctx)
}

var errNotFound = mohalla.Errorf(mohalla.ENOTFOUND, "Not Found")

// authorized runs h for a request with a valid key, in the
// X-TYPESENSE-API-KEY header or the x-typesense-api-key query parameter.
func (a *API) authorized(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := cmp.Or(r.Header.Get("X-TYPESENSE-API-KEY"), r.URL.Query().Get("x-typesense-api-key"))
		if key == "" {
			a.fail(w, r, mohalla.Errorf(mohalla.EUNAUTHENTICATED,
				"Forbidden - a valid `x-typesense-api-key` header must be sent."))
			return
		}
		if _, err := a.keys.VerifySearchKey(r.Context(), key); err != nil {
			a.fail(w, r, err)
			return
		}
		h(w, r)
	})
}

// status maps err to its status and message: a *paramError and EINVALID are
// 400, as Typesense answers a bad request.
func (a *API) status(ctx context.Context, err error) (int, string) {
	var pe *paramError
	if errors.As(err, &pe) {
		return http.StatusBadRequest, pe.Error()
	}
	var e *mohalla.Error
	if !errors.As(err, &e) {
		a.log.ErrorContext(ctx, "typesense api", slog.Any("err", err))
		return http.StatusInternalServerError, "Internal error"
	}
	switch e.Code {
	case mohalla.EINVALID:
		return http.StatusBadRequest, e.Error()
	case mohalla.EUNAUTHENTICATED:
		return http.StatusUnauthorized, e.Message
	case mohalla.EFORBIDDEN:
		return http.StatusForbidden, e.Message
	case mohalla.ENOTFOUND:
		return http.StatusNotFound, e.Message
	case mohalla.EUNAVAILABLE:
		return http.StatusServiceUnavailable, e.Message
	}
	a.log.ErrorContext(ctx, "typesense api", slog.Any("err", err))
	return http.StatusInternalServerError, "Internal error"
}

func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := a.status(r.Context(), err)
	a.write(w, r, status, Error{Message: msg})
}

func (a *API) write(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		a.log.ErrorContext(r.Context(), "typesense api: encode", slog.Any("err", err))
		status, b = http.StatusInternalServerError, []byte(`{"message":"Internal error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

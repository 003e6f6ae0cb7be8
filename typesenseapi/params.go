package typesenseapi

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/search"
)

// The parameters a search may have. Any other is refused, never ignored: a
// client relying on it would get answers that look right and are not.
var knownParams = []string{"q", "query_by", "query_by_weights", "filter_by", "facet_by", "max_facet_values",
	"sort_by", "page", "per_page", "highlight_fields", "highlight_full_fields", "num_typos", "prefix",
	"x-typesense-api-key"}

// Limits of the parameters.
const (
	defaultPerPage = 10 // as Typesense's
	maxDepth       = 10000
	maxFacetValues = 20 // the most values search counts per facet
)

// searchParams is one search, its parameters by name.
type searchParams map[string]string

// plan is a search translated onto the index's queries.
type plan struct {
	collection  string
	product     search.ProductQuery
	shop        search.ShopQuery
	page        int
	perPage     int
	facets      []string
	facetValues int
	highlight   bool
}

var geoSort = regexp.MustCompile(`^location\(\s*(-?[0-9.]+)\s*,\s*(-?[0-9.]+)\s*\)\s*:\s*asc$`)

// translate turns p, a search of collection, into a plan, or refuses it with a
// *paramError naming the parameter.
func translate(collection string, p searchParams) (plan, error) {
	for name := range p {
		if !slices.Contains(knownParams, name) {
			return plan{}, badParam(name, "is not supported by this server (a subset of Typesense's search API)")
		}
	}
	pl := plan{collection: collection, page: 1, perPage: defaultPerPage, facetValues: 10, highlight: true}
	var err error
	if pl.page, err = intParam(p, "page", 1, 1, maxDepth); err != nil {
		return pl, err
	}
	if pl.perPage, err = intParam(p, "per_page", defaultPerPage, 0, search.MaxLimit); err != nil {
		return pl, err
	}
	if (pl.page-1)*pl.perPage >= maxDepth {
		return pl, badParam("page", "reaches past the first %d hits", maxDepth)
	}
	if pl.facetValues, err = intParam(p, "max_facet_values", 10, 1, maxFacetValues); err != nil {
		return pl, err
	}
	q := strings.TrimSpace(p["q"])
	if q == "*" {
		q = ""
	}
	if err := checkQueryBy(p, q); err != nil {
		return pl, err
	}
	if h, ok := p["highlight_fields"]; ok && h != "name" {
		if h != "none" && h != "" {
			return pl, badParam("highlight_fields", "only name is highlighted")
		}
		pl.highlight = false
	}
	if h, ok := p["highlight_full_fields"]; ok && h != "name" && h != "" {
		return pl, badParam("highlight_full_fields", "only name is highlighted")
	}
	noTypos, noPrefix := false, false
	switch p["num_typos"] {
	case "", "2":
	case "0":
		noTypos = true
	default:
		return pl, badParam("num_typos", "must be 0 (no typos) or 2 (the default: words of 4+ letters allow one typo, 7+ two)")
	}
	switch p["prefix"] {
	case "", "true":
	case "false":
		noPrefix = true
	default:
		return pl, badParam("prefix", "must be true or false (one value for the one searchable field)")
	}
	f, err := parseFilter(p["filter_by"], collection == collectionShops)
	if err != nil {
		return pl, err
	}
	if collection == collectionShops {
		return pl, pl.shops(p, q, f)
	}
	pl.product = search.ProductQuery{Q: q, Categories: f.categories, ShopIDs: f.shops, MinPrice: f.min, MaxPrice: f.max,
		InStock: f.inStock, Near: f.near, RadiusKm: f.radiusKm, Limit: max(pl.perPage, 1), NoTypos: noTypos, NoPrefix: noPrefix}
	if err := pl.productSort(p["sort_by"]); err != nil {
		return pl, err
	}
	if fb := strings.TrimSpace(p["facet_by"]); fb != "" {
		for name := range strings.SplitSeq(fb, ",") {
			name = strings.TrimSpace(name)
			if name != search.FacetCategory && name != search.FacetShopID {
				return pl, badParam("facet_by", "products facet by category and shopId, not %q", name)
			}
			if !slices.Contains(pl.facets, name) {
				pl.facets = append(pl.facets, name)
			}
		}
		pl.product.Facets = pl.facets
	}
	return pl, nil
}

// checkQueryBy allows name, the one field searched, with any weight.
func checkQueryBy(p searchParams, q string) error {
	qb, ok := p["query_by"]
	if !ok {
		if q != "" {
			return badParam("query_by", "is required with a query: name")
		}
		return nil
	}
	fields := strings.Split(qb, ",")
	for _, f := range fields {
		if strings.TrimSpace(f) != "name" {
			return badParam("query_by", "only name is searchable, not %q", strings.TrimSpace(f))
		}
	}
	if w, ok := p["query_by_weights"]; ok {
		ws := strings.Split(w, ",")
		if len(ws) != len(fields) {
			return badParam("query_by_weights", "needs one weight for each field of query_by")
		}
		for _, x := range ws {
			if n, err := strconv.Atoi(strings.TrimSpace(x)); err != nil || n < 0 || n > 127 {
				return badParam("query_by_weights", "weights are whole numbers from 0 to 127")
			}
		}
	}
	return nil
}

// productSort reads sort_by: _text_match:desc (the default), price:asc,
// price:desc or location(lat,lng):asc.
func (pl *plan) productSort(s string) error {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	q := &pl.product
	switch s {
	case "", "_text_match:desc":
		q.Sort = search.SortRelevance
	case "price:asc":
		q.Sort = search.SortPriceAsc
	case "price:desc":
		q.Sort = search.SortPriceDesc
	default:
		m := geoSort.FindStringSubmatch(s)
		if m == nil {
			return badParam("sort_by", "sorts by one of _text_match:desc, price:asc, price:desc or location(lat,lng):asc, not %q", s)
		}
		lat, _ := strconv.ParseFloat(m[1], 64) // the pattern allows only numbers
		lng, _ := strconv.ParseFloat(m[2], 64)
		if q.Near != nil && (q.Near.Lat != lat || q.Near.Lng != lng) {
			return badParam("sort_by", "sorts by distance from the point location is filtered around")
		}
		if q.Near == nil {
			q.Near = &mohalla.Location{Lat: lat, Lng: lng}
		}
		q.Sort = search.SortDistance
	}
	return nil
}

// shops plans a search of the shops collection: near a point, nearest first.
func (pl *plan) shops(p searchParams, q string, f filter) error {
	if f.near == nil {
		return badParam("filter_by", "shops are searched near a point: location:(lat, lng, radius km)")
	}
	if s := strings.ReplaceAll(p["sort_by"], " ", ""); s != "" && !geoSort.MatchString(s) {
		return badParam("sort_by", "shops come nearest first: location(lat,lng):asc")
	}
	if p["facet_by"] != "" {
		return badParam("facet_by", "shops have no facets")
	}
	pl.shop = search.ShopQuery{Near: *f.near, RadiusKm: f.radiusKm, Q: q, Limit: max(pl.perPage, 1)}
	return nil
}

// intParam reads the whole number p[name], def if it is absent.
func intParam(p searchParams, name string, def, lo, hi int) (int, error) {
	s, ok := p[name]
	if !ok || s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, badParam(name, "must be a whole number from %d to %d", lo, hi)
	}
	return n, nil
}

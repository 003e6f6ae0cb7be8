package search

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mohallamart/mohalla"
)

// Sort orders product hits.
type Sort string

// The product sort orders. Ties, relevance's too, are broken newest product
// first (then by id), so these orders are total and cursors never skip or
// repeat a hit.
const (
	SortRelevance Sort = "relevance" // best match first; the default
	SortPriceAsc  Sort = "price_asc"
	SortPriceDesc Sort = "price_desc"
	SortDistance  Sort = "distance" // nearest shop first; needs Near
	SortNewest    Sort = "newest"
)

var sorts = []Sort{SortRelevance, SortPriceAsc, SortPriceDesc, SortDistance, SortNewest}

// The facets a product search can count.
const (
	FacetCategory = "category"
	FacetShopID   = "shopId"
)

// Limits of the query parameters.
const (
	MaxQueryLength = 200 // characters of q
	MaxRadiusKm    = 50
	DefaultLimit   = 20
	MaxLimit       = 100
	maxWords       = 10  // words of q that count; the rest are ignored
	maxListed      = 100 // values of Categories or ShopIDs
)

// ProductQuery is a product search. The zero value lists every product on sale,
// most relevant (here: newest) first.
type ProductQuery struct {
	Q        string // words to find in product names; data, never syntax
	Category string // only this category
	ShopID   string // only this shop's products
	// Categories and ShopIDs, if not empty, keep the products of any of them
	// (as well as Category and ShopID, if set).
	Categories []string
	ShopIDs    []string
	// NoTypos never matches words with typos; NoPrefix matches the last word
	// as typed only, not as the start of longer words.
	NoTypos, NoPrefix bool
	MinPrice          *mohalla.Money // only products at least this price
	MaxPrice          *mohalla.Money // only products at most this price
	InStock           bool           // only products with stock
	// Near, if set, gives each hit its shop's distance from it, and with
	// RadiusKm (at most 50) keeps only products of shops within that distance.
	Near     *mohalla.Location
	RadiusKm float64
	Sort     Sort     // default SortRelevance
	Facets   []string // FacetCategory and/or FacetShopID
	Limit    int      // hits per page: default 20, at most 100
	Cursor   string   // NextCursor of the previous page
}

// ShopQuery finds shops near a point, nearest first.
type ShopQuery struct {
	Near     mohalla.Location
	RadiusKm float64 // default 5, at most 50
	Q        string  // words to find in shop names
	Limit    int     // default 20, at most 100
	Cursor   string
}

// ParseProductQuery reads a product search from URL parameters: q, category,
// shopId, minPrice and maxPrice (rupees), inStock, near ("lat,lng"), radiusKm,
// sort, facets (comma-separated), limit and cursor. A malformed parameter is an
// EINVALID *mohalla.Error naming it.
func ParseProductQuery(v url.Values) (ProductQuery, error) {
	var bad mohalla.Invalid
	q := ProductQuery{
		Q:        text(&bad, v, "q", MaxQueryLength),
		Category: strings.ToLower(text(&bad, v, "category", 50)),
		ShopID:   text(&bad, v, "shopId", 64),
		Sort:     Sort(v.Get("sort")),
		Cursor:   v.Get("cursor"),
	}
	q.MinPrice = rupees(&bad, v, "minPrice")
	q.MaxPrice = rupees(&bad, v, "maxPrice")
	if s := v.Get("inStock"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			bad.Add("inStock", "must be true or false")
		}
		q.InStock = b
	}
	q.Near = point(&bad, v, "near")
	q.RadiusKm = radius(&bad, v, 0)
	if s := v.Get("facets"); s != "" {
		for f := range strings.SplitSeq(s, ",") {
			if f = strings.TrimSpace(f); f != "" && !slices.Contains(q.Facets, f) {
				q.Facets = append(q.Facets, f)
			}
		}
	}
	q.Limit = limit(&bad, v)
	if err := bad.Err(); err != nil {
		return q, err
	}
	return q, q.validate()
}

// validate checks what ParseProductQuery cannot see in one parameter alone; it
// also guards queries built in Go.
func (q *ProductQuery) validate() error {
	var bad mohalla.Invalid
	q.Sort = Sort(strings.TrimSpace(string(q.Sort)))
	if q.Sort == "" {
		q.Sort = SortRelevance
	}
	switch {
	case !slices.Contains(sorts, q.Sort):
		bad.Add("sort", "must be one of relevance, price_asc, price_desc, distance, newest")
	case q.Sort == SortDistance && q.Near == nil:
		bad.Add("sort", "distance needs near")
	}
	if q.MinPrice != nil && *q.MinPrice < 0 {
		bad.Add("minPrice", "must not be negative")
	}
	if q.MaxPrice != nil && *q.MaxPrice < 0 {
		bad.Add("maxPrice", "must not be negative")
	}
	if q.MinPrice != nil && q.MaxPrice != nil && *q.MaxPrice < *q.MinPrice {
		bad.Add("maxPrice", "must not be below minPrice")
	}
	checkNear(&bad, "near", q.Near)
	switch {
	case q.RadiusKm != 0 && q.Near == nil:
		bad.Add("radiusKm", "needs near")
	case q.RadiusKm < 0 || q.RadiusKm > MaxRadiusKm || math.IsNaN(q.RadiusKm):
		bad.Add("radiusKm", "must be more than 0 and at most %d", MaxRadiusKm)
	}
	for _, f := range q.Facets {
		if f != FacetCategory && f != FacetShopID {
			bad.Add("facets", "must list category and/or shopId, not %q", f)
			break
		}
	}
	if q.Limit < 0 || q.Limit > MaxLimit {
		bad.Add("limit", "must be between 1 and %d", MaxLimit)
	}
	if utf8.RuneCountInString(q.Q) > MaxQueryLength || !utf8.ValidString(q.Q) {
		bad.Add("q", "must be valid text of at most %d characters", MaxQueryLength)
	}
	if len(q.Categories) > maxListed {
		bad.Add("categories", "must list at most %d", maxListed)
	}
	if len(q.ShopIDs) > maxListed {
		bad.Add("shopIds", "must list at most %d", maxListed)
	}
	q.Limit = max(q.Limit, 0)
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	return bad.Err()
}

// ParseShopQuery reads a shop search from URL parameters: near ("lat,lng",
// required), radiusKm (default 5), q, limit and cursor. A malformed parameter is
// an EINVALID *mohalla.Error naming it.
func ParseShopQuery(v url.Values) (ShopQuery, error) {
	var bad mohalla.Invalid
	q := ShopQuery{Q: text(&bad, v, "q", MaxQueryLength), Cursor: v.Get("cursor")}
	if p := point(&bad, v, "near"); p != nil {
		q.Near = *p
	} else if v.Get("near") == "" {
		bad.Add("near", "is required, as lat,lng")
	}
	q.RadiusKm = radius(&bad, v, 5)
	q.Limit = limit(&bad, v)
	if err := bad.Err(); err != nil {
		return q, err
	}
	return q, q.validate()
}

func (q *ShopQuery) validate() error {
	var bad mohalla.Invalid
	checkNear(&bad, "near", &q.Near)
	if q.RadiusKm == 0 {
		q.RadiusKm = 5
	}
	if q.RadiusKm < 0 || q.RadiusKm > MaxRadiusKm || math.IsNaN(q.RadiusKm) {
		bad.Add("radiusKm", "must be more than 0 and at most %d", MaxRadiusKm)
	}
	if q.Limit < 0 || q.Limit > MaxLimit {
		bad.Add("limit", "must be between 1 and %d", MaxLimit)
	}
	if utf8.RuneCountInString(q.Q) > MaxQueryLength || !utf8.ValidString(q.Q) {
		bad.Add("q", "must be valid text of at most %d characters", MaxQueryLength)
	}
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	return bad.Err()
}

func text(bad *mohalla.Invalid, v url.Values, name string, max int) string {
	s := strings.TrimSpace(v.Get(name))
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		bad.Add(name, "must be valid text of at most %d characters", max)
		return ""
	}
	return s
}

func rupees(bad *mohalla.Invalid, v url.Values, name string) *mohalla.Money {
	s := v.Get(name)
	if s == "" {
		return nil
	}
	m, err := mohalla.ParseRupees(s)
	switch {
	case err != nil:
		bad.Add(name, "must be an amount in rupees with at most two decimals")
		return nil
	case m < 0:
		bad.Add(name, "must not be negative")
		return nil
	}
	return &m
}

func point(bad *mohalla.Invalid, v url.Values, name string) *mohalla.Location {
	s := v.Get(name)
	if s == "" {
		return nil
	}
	a, b, ok := strings.Cut(s, ",")
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lng, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if !ok || err1 != nil || err2 != nil {
		bad.Add(name, "must be lat,lng in degrees, such as 19.0822,72.8376")
		return nil
	}
	return &mohalla.Location{Lat: lat, Lng: lng}
}

func checkNear(bad *mohalla.Invalid, name string, p *mohalla.Location) {
	if p == nil {
		return
	}
	if !(p.Lat >= -90 && p.Lat <= 90) || !(p.Lng >= -180 && p.Lng <= 180) {
		bad.Add(name, "must be a latitude from -90 to 90 and a longitude from -180 to 180")
	}
}

func radius(bad *mohalla.Invalid, v url.Values, def float64) float64 {
	s := v.Get("radiusKm")
	if s == "" {
		return def
	}
	r, err := strconv.ParseFloat(s, 64)
	if err != nil || !(r > 0 && r <= MaxRadiusKm) {
		bad.Add("radiusKm", "must be more than 0 and at most %d", MaxRadiusKm)
		return def
	}
	return r
}

func limit(bad *mohalla.Invalid, v url.Values) int {
	s := v.Get("limit")
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxLimit {
		bad.Add("limit", "must be between 1 and %d", MaxLimit)
		return 0
	}
	return n
}

package search

import (
	"context"
	"math"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/mohallamart/mohalla"
)

// ProductHit is one product found.
type ProductHit struct {
	ID       string        `json:"id"`
	ShopID   string        `json:"shopId"`
	Name     string        `json:"name"`
	Category string        `json:"category"`
	Price    mohalla.Money `json:"price"`
	Unit     string        `json:"unit,omitempty"`
	Stock    int64         `json:"stock"`
	Version  int64         `json:"version"`
	// DistanceKm is the distance of the product's shop from the query's Near.
	DistanceKm *float64   `json:"distanceKm,omitempty"`
	Highlight  *Highlight `json:"highlight,omitempty"`
}

// FacetCount is how many hits have one value of a facet.
type FacetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// ProductResult is a page of product hits.
type ProductResult struct {
	Hits []ProductHit `json:"hits"`
	// Found is how many products match in all.
	Found uint64 `json:"found"`
	// Facets counts the values of each facet asked for over all matches, most
	// frequent first (at most 20 values).
	Facets map[string][]FacetCount `json:"facets,omitempty"`
	// NextCursor continues the search; "" on the last page.
	NextCursor string `json:"nextCursor,omitempty"`
}

// Products searches products. Words match as typed, as singulars and, the last
// one, as a prefix; only when that finds nothing do they match with typos; and
// when every word of a text of several words matches nothing together, it looks
// for products matching any of them. It returns EINVALID naming the parameter
// for a malformed query, and EUNAVAILABLE while the index is being built.
func (ix *Index) Products(ctx context.Context, q ProductQuery) (ProductResult, error) {
	if err := q.validate(); err != nil {
		return ProductResult{}, err
	}
	ws := queryWords(q.Q)
	scored := q.Sort == SortRelevance && len(ws) > 0
	var near map[string]float64
	if q.Near != nil {
		near = ix.table.within(*q.Near, q.RadiusKm)
	}
	order := productOrder(&q, scored, near)
	c, err := decodeCursor(q.Cursor, string(q.Sort), len(order))
	if err != nil {
		return ProductResult{}, err
	}
	if err := checkAfter(order, c.After); err != nil {
		return ProductResult{}, err
	}
	out := ProductResult{Hits: []ProductHit{}}
	for _, name := range q.Facets {
		if out.Facets == nil {
			out.Facets = map[string][]FacetCount{}
		}
		out.Facets[name] = []FacetCount{}
	}
	if q.Near != nil && q.RadiusKm > 0 && len(near) == 0 {
		if ix.live.Load() == nil {
			return ProductResult{}, ix.searchErr(bleve.ErrorAliasEmpty)
		}
		return out, nil // no shop is in range
	}
	if q.Sort == SortDistance && len(ws) == 0 {
		return ix.browseByDistance(ctx, &q, near, c, out)
	}
	var counts *facetCounts
	if len(q.Facets) > 0 {
		counts = &facetCounts{}
	}
	// As Typesense does by default (typo_tokens_threshold 1), typos are tried
	// only when the words as typed (or as prefixes) find nothing: an exact
	// match would rank above them anyway, and a common word's typos would add
	// thousands of matches to rank.
	res, err := ix.productSearch(ctx, &q, ws, order, c, near, scored, counts)
	if err == nil && res.Total == 0 && q.Cursor == "" && typosPossible(ws) {
		c.Typos = true
		res, err = ix.productSearch(ctx, &q, ws, order, c, near, scored, counts)
	}
	if err == nil && res.Total == 0 && len(ws) > 1 && q.Cursor == "" {
		c.Typos, c.AnyWord = true, true
		res, err = ix.productSearch(ctx, &q, ws, order, c, near, scored, counts)
	}
	if err != nil {
		return ProductResult{}, err
	}
	out.Found = res.Total
	hits := res.Hits
	if c.Skip > 0 {
		hits = skipTies(hits, c)
	}
	if len(hits) > q.Limit {
		hits = hits[:q.Limit]
		out.NextCursor = nextCursor(c, string(q.Sort), scored, hits)
	}
	for _, h := range hits {
		hit, err := productHit(h, ws, c.Typos, near)
		if err != nil {
			return ProductResult{}, err
		}
		out.Hits = append(out.Hits, hit)
	}
	if counts != nil {
		counts.fill(&out)
	}
	return out, nil
}

// productFilters are the filters of q but for distance, and for price unless
// withPrice is false.
func productFilters(q *ProductQuery, withPrice bool) []query.Query {
	var filters []query.Query
	if q.Category != "" {
		filters = append(filters, term(fieldCategory, q.Category))
	}
	if q.ShopID != "" {
		filters = append(filters, term(fieldShopID, q.ShopID))
	}
	if withPrice && (q.MinPrice != nil || q.MaxPrice != nil) {
		filters = append(filters, priceRange(q.MinPrice, q.MaxPrice))
	}
	if q.InStock {
		b := query.NewBoolFieldQuery(true)
		b.SetField(fieldInStock)
		filters = append(filters, b)
	}
	return filters
}

// shopIn matches the products of the shops in ids.
func shopIn[V any](ids map[string]V) query.Query {
	qs := make([]query.Query, 0, len(ids))
	for id := range ids {
		qs = append(qs, term(fieldShopID, id))
	}
	return query.NewDisjunctionQuery(qs)
}

func (ix *Index) productSearch(ctx context.Context, q *ProductQuery, ws []word, order bsearch.SortOrder, c cursor,
	near map[string]float64, scored bool, counts *facetCounts) (*bleve.SearchResult, error) {
	// With text, few products are candidates, and checking each one's price
	// beats gathering every product in the price range.
	filters := productFilters(q, len(ws) == 0)
	if q.Near != nil && q.RadiusKm > 0 {
		filters = append(filters, shopIn(near))
	}
	var root query.Query
	switch {
	case len(ws) > 0 && len(filters) > 0:
		b := query.NewBooleanQuery([]query.Query{textQuery(fieldName, ws, matching{typos: c.Typos, anyWord: c.AnyWord})}, nil, nil)
		b.AddFilter(all(filters))
		root = b
	case len(ws) > 0:
		root = textQuery(fieldName, ws, matching{typos: c.Typos, anyWord: c.AnyWord})
	case len(filters) > 0:
		root = all(filters)
	default:
		root = term(fieldKind, kindProduct)
	}
	if len(ws) > 0 && (q.MinPrice != nil || q.MaxPrice != nil) {
		root = newPriceWithin(root, q.MinPrice, q.MaxPrice)
	}
	if counts != nil {
		root = counts.counting(root)
	}
	req := bleve.NewSearchRequestOptions(root, q.Limit+1+c.Skip, 0, false)
	if !scored {
		req.Score = "none" // nothing is ranked by score: skip computing it
	}
	req.Fields = []string{fieldSource}
	req.SortByCustom(order)
	if c.After != nil {
		after := c.After
		if scored {
			// Continue within the last score shown: skipTies drops the ties
			// already shown.
			s, _ := strconv.ParseFloat(after[0], 64)
			after = []string{strconv.FormatFloat(math.Nextafter(s, math.Inf(1)), 'g', -1, 64)}
		}
		req.SetSearchAfter(after)
	}
	res, err := ix.alias.SearchInContext(ctx, req)
	if err != nil {
		return nil, ix.searchErr(err)
	}
	return res, nil
}

// productOrder is the sort order of q. Every order but relevance ends in a
// unique key, so cursors never skip or repeat a hit. Relevance sorts by score
// alone, which reads nothing per hit; ties keep the index's order, and a cursor
// counts the ties it has shown.
func productOrder(q *ProductQuery, scored bool, near map[string]float64) bsearch.SortOrder {
	newest := &bsearch.SortField{Field: fieldNewKey, Desc: true, Type: bsearch.SortFieldAsString}
	switch q.Sort {
	case SortPriceAsc, SortPriceDesc:
		return bsearch.SortOrder{&bsearch.SortField{Field: fieldPriceKey, Desc: q.Sort == SortPriceDesc,
			Type: bsearch.SortFieldAsString}}
	case SortDistance:
		return bsearch.SortOrder{newShopDistanceSort(near)}
	case SortRelevance:
		if scored {
			return bsearch.SortOrder{&bsearch.SortScore{Desc: true}}
		}
	}
	return bsearch.SortOrder{newest}
}

// nextCursor is the cursor after the last of hits.
func nextCursor(c cursor, sort string, scored bool, hits []*bsearch.DocumentMatch) string {
	last := hits[len(hits)-1]
	if !scored {
		return encodeCursor(cursor{Sort: sort, After: last.DecodedSort, AnyWord: c.AnyWord, Typos: c.Typos})
	}
	ties := 0
	for _, h := range hits {
		if h.Score == last.Score {
			ties++
		}
	}
	s := strconv.FormatFloat(last.Score, 'g', -1, 64)
	if c.After != nil && c.After[0] == s && ties == len(hits) {
		ties += c.Skip // the whole page was one run of ties, begun before it
	}
	return encodeCursor(cursor{Sort: sort, After: []string{s}, Skip: ties, AnyWord: c.AnyWord, Typos: c.Typos})
}

// skipTies drops the hits with the cursor's score that earlier pages showed.
func skipTies(hits []*bsearch.DocumentMatch, c cursor) []*bsearch.DocumentMatch {
	s, _ := strconv.ParseFloat(c.After[0], 64)
	n := 0
	for n < len(hits) && n < c.Skip && hits[n].Score == s {
		n++
	}
	return hits[n:]
}

// checkAfter rejects a forged cursor whose numeric sort values are not numbers.
func checkAfter(order bsearch.SortOrder, after []string) error {
	if after == nil {
		return nil
	}
	for i, s := range order {
		switch s.(type) {
		case *bsearch.SortScore, *bsearch.SortGeoDistance:
			if _, err := strconv.ParseFloat(after[i], 64); err != nil {
				return errBadCursor()
			}
		}
	}
	return nil
}

func productHit(h *bsearch.DocumentMatch, ws []word, typos bool, near map[string]float64) (ProductHit, error) {
	var src productSource
	if err := hitSource(h.ID, h.Fields, &src); err != nil {
		return ProductHit{}, err
	}
	hit := ProductHit{ID: h.ID[len("p:"):], ShopID: src.ShopID, Name: src.Name, Category: src.Category,
		Price: mohalla.Money(src.Price), Unit: src.Unit, Stock: src.Stock, Version: src.Version,
		Highlight: highlight(src.Name, ws, typos)}
	if d, ok := near[src.ShopID]; ok {
		hit.DistanceKm = new(math.Round(d*1000) / 1000)
	}
	return hit, nil
}

func term(field, value string) *query.TermQuery {
	t := query.NewTermQuery(value)
	t.SetField(field)
	return t
}

func all(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewConjunctionQuery(qs)
}

func geoWithin(field string, p mohalla.Location, km float64) query.Query {
	g := query.NewGeoDistanceQuery(p.Lng, p.Lat, strconv.FormatFloat(km, 'f', -1, 64)+"km")
	g.SetField(field)
	return g
}

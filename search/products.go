package search

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
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
	// Score is how well the hit matches the query's words, the higher the
	// better, when it is sorted by relevance; else 0. Not part of the JSON:
	// it has no meaning across queries.
	Score float64 `json:"-"`
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
	c, after, err := decodeProductCursor(q.Cursor, q.Sort)
	if err != nil {
		return ProductResult{}, err
	}
	out := ProductResult{Hits: []ProductHit{}}
	for _, name := range q.Facets {
		if out.Facets == nil {
			out.Facets = map[string][]FacetCount{}
		}
		out.Facets[name] = []FacetCount{}
	}
	snap, done, err := ix.snapshot()
	if err != nil {
		return ProductResult{}, err
	}
	defer done()
	var near map[string]float64
	if q.Near != nil {
		near = ix.table.within(*q.Near, q.RadiusKm)
		if q.RadiusKm > 0 && len(near) == 0 {
			return out, nil // no shop is in range
		}
	}
	// The columns, and the facet values they number, serve every attempt below.
	cols, err := ix.columns.of(snap)
	if err != nil {
		return ProductResult{}, err
	}
	facets := ix.columns.facets.all()
	mem := scratchPool.Get().(*scratch) // each attempt below starts it anew
	defer mem.release()
	scan := func(m matching) (*productScan, error) {
		s := &productScan{q: &q, near: near, m: m, order: orderOf(q.Sort, scored), after: after,
			top: topHits{n: q.Limit + 1, hits: make([]hitRef, 0, q.Limit+1)}, typoCache: &ix.typos,
			exhaustive: ix.exhaustive, walkBudget: ix.walkBudget, levelCombos: ix.levelCombos, splitMax: ix.splitMax, mem: mem,
			fromBase: &ix.columns.fromBase}
		if err := ctx.Err(); err != nil {
			return nil, ix.searchErr(err)
		}
		return s, s.run(snap, cols, facets, ws)
	}
	// As Typesense does by default (typo_tokens_threshold 1), typos are tried
	// only when the words as typed (or as prefixes) find nothing: an exact
	// match would rank above them anyway, and a common word's typos would add
	// thousands of matches to rank.
	m := matching{typos: c.Typos, anyWord: c.AnyWord, noPrefix: q.NoPrefix}
	res, err := scan(m)
	if err == nil && res.found == 0 && q.Cursor == "" && typosPossible(ws) && !q.NoTypos {
		m.typos = true
		res, err = scan(m)
	}
	if err == nil && res.found == 0 && len(ws) > 1 && q.Cursor == "" {
		m.typos, m.anyWord = !q.NoTypos, true
		res, err = scan(m)
	}
	if err != nil {
		return ProductResult{}, err
	}
	out.Found = res.found
	hits := res.top.sorted(res.order)
	if len(hits) > q.Limit {
		hits = hits[:q.Limit]
		last := hits[len(hits)-1]
		out.NextCursor = productCursor{Sort: string(q.Sort), A: last.a, T: last.t, ID: string(last.id),
			AnyWord: m.anyWord, Typos: m.typos}.encode()
	}
	out.Hits = make([]ProductHit, 0, len(hits))
	for _, h := range hits {
		hit, err := productHit(h, ws, m, near)
		if err != nil {
			return ProductResult{}, err
		}
		hit.withStock(snap)
		if scored {
			hit.Score = h.a
		}
		out.Hits = append(out.Hits, hit)
	}
	if res.counts != nil {
		fillFacets(&out, res.counts, res.sums, facets)
	}
	return out, nil
}

// snapshot returns the index as it is now, and the function that releases
// it. While a search holds one, a reindex does not close its generation.
func (ix *Index) snapshot() (*scorch.IndexSnapshot, func(), error) {
	ix.readers.RLock()
	g := ix.live.Load()
	if g == nil {
		ix.readers.RUnlock()
		return nil, nil, ix.searchErr(bleve.ErrorAliasEmpty)
	}
	r, err := g.reader()
	if err != nil {
		ix.readers.RUnlock()
		return nil, nil, ix.searchErr(err)
	}
	return r, func() { _ = r.Close(); ix.readers.RUnlock() }, nil
}

func productHit(h hitRef, ws []word, m matching, near map[string]float64) (ProductHit, error) {
	id := string(h.id)
	v := &sourceVisit{err: errBadSource}
	visitErr := h.ss.VisitDocument(uint64(h.doc), v.visit)
	if err := cmp.Or(visitErr, v.err); err != nil {
		return ProductHit{}, fmt.Errorf("search: product %s: %w", id, err)
	}
	src := &v.src
	hit := ProductHit{ID: id, ShopID: src.ShopID, Name: src.Name, Category: src.Category,
		Price: mohalla.Money(src.Price), Unit: src.Unit, Stock: src.Stock, Version: src.Version,
		Highlight: highlight(src.Name, ws, m)}
	if d, ok := near[src.ShopID]; ok {
		hit.DistanceKm = new(math.Round(d*1000) / 1000)
	}
	return hit, nil
}

// sourceVisit decodes the stored source of a document it visits.
type sourceVisit struct {
	src productSource
	err error
}

func (v *sourceVisit) visit(field string, _ byte, value []byte, _ []uint64) bool {
	if field != fieldSource {
		return true
	}
	v.err = v.src.decode(value) // value is only valid until the visit returns
	return false
}

func term(field, value string) *query.TermQuery {
	t := query.NewTermQuery(value)
	t.SetField(field)
	return t
}

func geoWithin(field string, p mohalla.Location, km float64) query.Query {
	g := query.NewGeoDistanceQuery(p.Lng, p.Lat, strconv.FormatFloat(km, 'f', -1, 64)+"km")
	g.SetField(field)
	return g
}

package search

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// facetSize is the most values a facet counts.
const facetSize = 20

// facetCounts counts the matches of a search per category and shop as the
// search visits them. Bleve's own facets read one value per facet per hit and
// count it in a map keyed by a new string; this reads one value for both
// facets (the facet key, "category|shopId") and counts in place, which makes a
// faceted search of a common word about twice as fast.
type facetCounts struct {
	keys map[string]*int // facet key -> matches
}

// counting wraps child so that every match it yields is counted in c.
func (c *facetCounts) counting(child query.Query) query.Query {
	c.keys = map[string]*int{}
	return &countingQuery{child: child, c: c}
}

type countingQuery struct {
	child query.Query
	c     *facetCounts
}

func (q *countingQuery) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping,
	options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := q.child.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	dv, err := i.DocValueReader([]string{fieldFacetKey})
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	keys := q.c.keys
	count := func(_ string, term []byte) {
		if n := keys[string(term)]; n != nil {
			*n++
		} else {
			keys[string(term)] = new(1)
		}
	}
	return searcher.NewFilteringSearcher(ctx, s, func(_ *bsearch.SearchContext, d *bsearch.DocumentMatch) bool {
		_ = dv.VisitDocValues(d.IndexInternalID, count)
		return true
	}), nil
}

// byShop returns the matches per shop.
func (c *facetCounts) byShop() map[string]uint64 {
	out := map[string]uint64{}
	for k, n := range c.keys {
		_, shop := splitFacetKey(k)
		out[shop] += uint64(*n)
	}
	return out
}

// top returns the facet's most frequent values, most frequent first.
func (c *facetCounts) top(facet string) []FacetCount {
	sums := map[string]int{}
	for k, n := range c.keys {
		category, shop := splitFacetKey(k)
		if facet == FacetCategory {
			sums[category] += *n
		} else {
			sums[shop] += *n
		}
	}
	out := make([]FacetCount, 0, len(sums))
	for v, n := range sums {
		out = append(out, FacetCount{Value: v, Count: n})
	}
	slices.SortFunc(out, func(a, b FacetCount) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.Value, b.Value)) })
	return out[:min(len(out), facetSize)]
}

// fill puts the counts of each facet out asks for into it.
func (c *facetCounts) fill(out *ProductResult) {
	for name := range out.Facets {
		out.Facets[name] = c.top(name)
	}
}

// facetKey is a product's value of both facets; shop ids never hold a '|'.
func facetKey(category, shopID string) string { return category + "|" + shopID }

func splitFacetKey(k string) (category, shopID string) {
	i := strings.LastIndexByte(k, '|')
	return k[:i], k[i+1:]
}

package search

import (
	"cmp"
	"slices"
	"strings"
)

// facetSize is the most values a facet counts.
const facetSize = 20

// fillFacets puts the counts of each facet out asks for into it, from the
// matches counted per (category, shop) pair: counts[o] is pair values[o-1].
func fillFacets(out *ProductResult, counts []int, values []facetValue) {
	for name := range out.Facets {
		sums := map[string]int{}
		for o, n := range counts {
			if n == 0 {
				continue
			}
			v := values[o-1]
			if name == FacetCategory {
				sums[v.category] += n
			} else {
				sums[v.shop] += n
			}
		}
		top := make([]FacetCount, 0, len(sums))
		for v, n := range sums {
			top = append(top, FacetCount{Value: v, Count: n})
		}
		slices.SortFunc(top, func(a, b FacetCount) int { return cmp.Or(b.Count-a.Count, strings.Compare(a.Value, b.Value)) })
		out.Facets[name] = top[:min(len(top), facetSize)]
	}
}

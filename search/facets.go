package search

import (
	"cmp"
	"slices"
	"strings"
)

// facetSize is the most values a facet counts.
const facetSize = 20

// fillFacets puts the counts of each facet out asks for into it, from the
// matches counted per (category, shop) pair: counts[o] is pair values[o-1];
// and from those counted by category (more[0]) and by shop (more[1]).
func fillFacets(out *ProductResult, counts []int, more [2]map[string]int, values []facetValue) {
	for name := range out.Facets {
		sums := map[string]int{}
		from := more[1]
		if name == FacetCategory {
			from = more[0]
		}
		for v, n := range from {
			if n > 0 {
				sums[v] += n
			}
		}
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

package search

import (
	"strings"
)

// facetSize is the most values a facet counts.
const facetSize = 20

// fillFacets puts the counts of each facet out asks for into it, from the
// matches counted per (category, shop) pair: counts[o] is pair
// fs.values[o-1]; and from those counted by shop number (more[0]) and by
// category number (more[1]). The counts are summed in arrays by shop and
// category number, and only the values that make the top are named.
func fillFacets(out *ProductResult, counts []int, more [2][]int, fs facetSet) {
	for name := range out.Facets {
		byCat := name == FacetCategory
		names, sums := fs.shops, more[0]
		if byCat {
			names, sums = fs.categories, more[1]
		}
		for o, n := range counts {
			if n == 0 {
				continue
			}
			v := &fs.values[o-1]
			if byCat {
				sums[v.catOrd] += n
			} else {
				sums[v.shopOrd] += n
			}
		}
		var top facetTop
		for i, n := range sums {
			if n > 0 {
				top.offer(FacetCount{Value: names[i], Count: n})
			}
		}
		out.Facets[name] = top.counts()
	}
}

// facetTop keeps the facetSize values counted most, most first, then by value.
type facetTop struct{ top []FacetCount }

func facetBefore(a, b FacetCount) bool {
	return a.Count > b.Count || (a.Count == b.Count && strings.Compare(a.Value, b.Value) < 0)
}

func (t *facetTop) offer(fc FacetCount) {
	if len(t.top) == facetSize && !facetBefore(fc, t.top[len(t.top)-1]) {
		return
	}
	i := len(t.top)
	for i > 0 && facetBefore(fc, t.top[i-1]) {
		i--
	}
	if len(t.top) < facetSize {
		t.top = append(t.top, FacetCount{})
	}
	copy(t.top[i+1:], t.top[i:len(t.top)-1])
	t.top[i] = fc
}

func (t *facetTop) counts() []FacetCount {
	if t.top == nil {
		return []FacetCount{}
	}
	return t.top
}

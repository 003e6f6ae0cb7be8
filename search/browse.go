package search

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
)

// browseByDistance answers a search without text sorted by distance, such as
// "everything near me". Sorting all the products in range would read a value
// for each of tens of thousands of hits; instead it walks the shops nearest
// first and asks each for its products, newest first, until the page is full.
// The counts come from the index's own term counts when only distance filters,
// and from one count-only search otherwise.
func (ix *Index) browseByDistance(ctx context.Context, q *ProductQuery, near map[string]float64, c cursor,
	out ProductResult) (ProductResult, error) {
	filters := productFilters(q, true)
	var perShop map[string]uint64
	if len(filters) == 0 && len(q.Facets) == 0 {
		counts, err := ix.shopProductCounts(near)
		if err != nil {
			return ProductResult{}, err
		}
		perShop = counts
		for _, n := range counts {
			out.Found += n
		}
	} else {
		var counts facetCounts
		req := bleve.NewSearchRequestOptions(counts.counting(all(append(slices.Clone(filters), shopIn(near)))), 0, 0, false)
		req.Score = "none"
		res, err := ix.alias.SearchInContext(ctx, req)
		if err != nil {
			return ProductResult{}, ix.searchErr(err)
		}
		out.Found = res.Total
		counts.fill(&out)
		perShop = counts.byShop()
	}

	// The shops with matches, nearest first, in groups at the same distance
	// (to the millimetre), as the sort key orders them.
	type group struct {
		key string
		ids map[string]bool
	}
	keys := newShopDistanceSort(near).keys
	var shops []string
	for id, n := range perShop {
		if n > 0 {
			shops = append(shops, id)
		}
	}
	slices.SortFunc(shops, func(a, b string) int { return cmp.Or(strings.Compare(keys[a], keys[b]), strings.Compare(a, b)) })
	var groups []group
	for _, id := range shops {
		if n := len(groups); n > 0 && groups[n-1].key == keys[id] {
			groups[n-1].ids[id] = true
		} else {
			groups = append(groups, group{key: keys[id], ids: map[string]bool{id: true}})
		}
	}

	afterKey, afterNK := "", ""
	if c.After != nil {
		var rest string
		afterKey, rest, _ = strings.Cut(c.After[0], "|")
		afterNK = newestFirst([]byte(rest))
	}
	var hits []*bsearch.DocumentMatch
	for _, g := range groups {
		if g.key < afterKey {
			continue
		}
		req := bleve.NewSearchRequestOptions(all(append(slices.Clone(filters), shopIn(g.ids))), q.Limit+1-len(hits), 0, false)
		req.Score = "none"
		req.Fields = []string{fieldSource}
		req.SortByCustom(bsearch.SortOrder{&bsearch.SortField{Field: fieldNewKey, Desc: true, Type: bsearch.SortFieldAsString}})
		if g.key == afterKey && afterNK != "" {
			req.SetSearchAfter([]string{afterNK})
		}
		res, err := ix.alias.SearchInContext(ctx, req)
		if err != nil {
			return ProductResult{}, ix.searchErr(err)
		}
		for _, h := range res.Hits {
			h.DecodedSort = []string{g.key + "|" + newestFirst([]byte(h.DecodedSort[0]))}
		}
		hits = append(hits, res.Hits...)
		if len(hits) > q.Limit {
			break
		}
	}
	if len(hits) > q.Limit {
		hits = hits[:q.Limit]
		out.NextCursor = nextCursor(c, string(q.Sort), false, hits)
	}
	for _, h := range hits {
		hit, err := productHit(h, nil, false, near)
		if err != nil {
			return ProductResult{}, err
		}
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}

// shopProductCounts returns how many products each shop of ids has in the
// index, read from the index's term counts without visiting any document.
func (ix *Index) shopProductCounts(ids map[string]float64) (map[string]uint64, error) {
	ix.readers.RLock()
	defer ix.readers.RUnlock()
	g := ix.live.Load()
	if g == nil {
		return nil, ix.searchErr(bleve.ErrorAliasEmpty)
	}
	adv, err := g.idx.Advanced()
	if err != nil {
		return nil, ix.searchErr(err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, ix.searchErr(err)
	}
	defer r.Close()
	out := make(map[string]uint64, len(ids))
	for id := range ids {
		tfr, err := r.TermFieldReader(context.Background(), []byte(id), fieldShopID, false, false, false)
		if err != nil {
			return nil, ix.searchErr(err)
		}
		out[id] = tfr.Count()
		_ = tfr.Close()
	}
	return out, nil
}

package search

import (
	"context"

	"github.com/blevesearch/bleve/v2"
)

// What the sync monitor needs: how many documents there are and of what
// version (repair.go has the repairs).

// Counts is how many documents the index holds, for the sync monitor to compare
// with the store.
type Counts struct {
	Products uint64 `json:"products"`
	Shops    uint64 `json:"shops"`
}

// Counts returns the number of product and shop documents. It returns
// EUNAVAILABLE while the index is being built.
func (ix *Index) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	for _, k := range []struct {
		kind string
		n    *uint64
	}{{kindProduct, &c.Products}, {kindShop, &c.Shops}} {
		req := bleve.NewSearchRequestOptions(term(fieldKind, k.kind), 0, 0, false)
		req.Score = "none"
		res, err := ix.alias.SearchInContext(ctx, req)
		if err != nil {
			return Counts{}, ix.searchErr(err)
		}
		*k.n = res.Total
	}
	return c, nil
}

// ProductVersion returns the version of the product row that product id's
// document was built from, or 0 if it has none (never indexed, or
// discontinued). It returns EUNAVAILABLE while the index is being built.
func (ix *Index) ProductVersion(ctx context.Context, id string) (int64, error) {
	var src productSource
	ok, err := source(ix.alias, productDocID(id), &src)
	if err != nil {
		return 0, ix.searchErr(err)
	}
	if !ok {
		return 0, nil
	}
	return src.withStock(ix.alias, id).Version, nil
}

// Stats returns Bleve's statistics of the index in use (segments, merges,
// timings), for metrics and debugging.
func (ix *Index) Stats() map[string]any { return ix.alias.StatsMap() }

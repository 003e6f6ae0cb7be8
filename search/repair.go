package search

import (
	"context"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/store"
)

// Refresh re-indexes products from their current rows, whatever their documents
// say, and removes the documents of products gone or discontinued. The sync
// monitor repairs drift with it.
func (ix *Index) Refresh(ctx context.Context, productIDs []string) error {
	ctx = store.AsProjection(ctx, "search")
	if len(productIDs) == 0 {
		return nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	g := ix.cur
	if g == nil {
		return mohalla.Errorf(mohalla.EUNAVAILABLE, "the search index is being built; try again shortly")
	}
	products, err := ix.loadProducts(ctx, productIDs)
	if err != nil {
		return err
	}
	w := &writer{ix: ix, g: g, b: g.idx.NewBatch(), stocked: g.stocked}
	for i, id := range productIDs {
		p := products[i]
		w.dropStock(id) // the document is written again, or deleted
		if p == nil || p.DeletedAt != nil {
			w.b.Delete(productDocID(id))
			continue
		}
		if err := w.b.IndexAdvanced(productDocument(*p)); err != nil {
			return err
		}
	}
	if err := w.commit(); err != nil {
		return fmt.Errorf("search: refresh batch: %w", err)
	}
	return nil
}

// Remove deletes product documents without touching the store, as when an
// index loses them; the product's next change, or the sync monitor, puts back
// those still on sale. Operators and the monitor's tests use it.
func (ix *Index) Remove(ctx context.Context, productIDs []string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.cur == nil {
		return mohalla.Errorf(mohalla.EUNAVAILABLE, "the search index is being built; try again shortly")
	}
	w := &writer{ix: ix, g: ix.cur, b: ix.cur.idx.NewBatch(), stocked: ix.cur.stocked}
	for _, id := range productIDs {
		w.b.Delete(productDocID(id))
		w.dropStock(id)
	}
	return w.commit()
}

// ProductIDs returns the id of every product document, for the sync monitor to
// find documents whose product is gone.
func (ix *Index) ProductIDs(ctx context.Context) ([]string, error) {
	c, err := ix.Counts(ctx)
	if err != nil {
		return nil, err
	}
	q := query.NewTermQuery(kindProduct)
	q.SetField(fieldKind)
	req := bleve.NewSearchRequestOptions(q, int(c.Products)+100, 0, false)
	req.Score = "none"
	res, err := ix.alias.SearchInContext(ctx, req)
	if err != nil {
		return nil, ix.searchErr(err)
	}
	ids := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		ids = append(ids, strings.TrimPrefix(h.ID, "p:"))
	}
	return ids, nil
}

package search

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/mohallamart/mohalla"
)

// productSources returns what g holds of each product of ids that has a
// document, its stock value applied (stock.go), by id, read in one snapshot
// (sourcesIn).
func (g *generation) productSources(ids []string) (map[string]productSource, error) {
	r, err := g.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return sourcesIn(r, ids)
}

// ProductVersions is ProductVersion of many products at once, read in one
// snapshot of the index: the versions of the products of ids that have a
// document, by id (a product with none is not in the map). It returns
// EUNAVAILABLE while the index is being built.
func (ix *Index) ProductVersions(ctx context.Context, ids []string) (map[string]int64, error) {
	r, release, err := ix.snapshot()
	if err != nil {
		return nil, err
	}
	defer release()
	srcs, err := sourcesIn(r, ids)
	if err != nil {
		return nil, ix.searchErr(err)
	}
	out := make(map[string]int64, len(srcs))
	for id, src := range srcs {
		out[id] = src.Version
	}
	return out, nil
}

// sourcesIn returns the source of the document of each product of ids in r,
// its stock value applied, by id: the ids are looked up in each segment's dictionary together, and
// only the documents found are loaded. A document per id took a snapshot and
// a term reader over every segment for each (a batch's products are mostly
// new, with no document to find; the sync monitor's check asks for every
// product).
func sourcesIn(r *scorch.IndexSnapshot, ids []string) (map[string]productSource, error) {
	docIDs := make([]string, len(ids))
	for i, id := range ids {
		docIDs[i] = productDocID(id)
	}
	found, err := r.DocIDReaderOnly(docIDs)
	if err != nil {
		return nil, err
	}
	defer found.Close()
	out := map[string]productSource{}
	for {
		n, err := found.Next()
		if err != nil || n == nil {
			return out, err
		}
		docID, err := r.ExternalID(n)
		if err != nil {
			return nil, err
		}
		var src productSource
		if _, err := source(r, docID, &src); err != nil {
			return nil, err
		}
		id := strings.TrimPrefix(docID, productDocID(""))
		out[id] = src.withStock(r, id)
	}
}

// shopVersion returns the version of shop id's document, or 0.
func (g *generation) shopVersion(id string) (int64, error) {
	var src shopSource
	_, err := source(g.idx, shopDocID(id), &src)
	return src.Version, err
}

// searchErr maps Bleve's errors to the data layer's: an index that is not
// there yet is EUNAVAILABLE.
func (ix *Index) searchErr(err error) error {
	if errors.Is(err, bleve.ErrorAliasEmpty) || errors.Is(err, bleve.ErrorIndexClosed) {
		return mohalla.Errorf(mohalla.EUNAVAILABLE, "the search index is being built; try again shortly")
	}
	var e *mohalla.Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return mohalla.Errorf(mohalla.EUNAVAILABLE, "the search was cancelled or timed out")
	}
	return fmt.Errorf("search: %w", err)
}

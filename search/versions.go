package search

import (
	"context"
	"errors"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/mohallamart/mohalla"
)

// productVersion returns the version of id's document, or 0 if there is none.
func (g *generation) productVersion(id string) (int64, error) {
	var src productSource
	_, err := source(g.idx, productDocID(id), &src)
	return src.Version, err
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

package search

import (
	"context"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// completions matches the words of field that start with prefix, but for the
// word's own forms, which the word's exact queries match already. Bleve's
// prefix query matches them a second time: a common word's every match then
// came from two posting lists merged, at about twice the cost.
type completions struct {
	field, prefix string
	skip          []string // the word's exact forms
	boost         float64
}

func (q *completions) Searcher(ctx context.Context, i index.IndexReader, _ mapping.IndexMapping,
	options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	dict, err := i.FieldDictPrefix(q.field, []byte(q.prefix))
	if err != nil {
		return nil, err
	}
	var terms []string
	for {
		de, err := dict.Next()
		if err != nil {
			_ = dict.Close()
			return nil, err
		}
		if de == nil {
			break
		}
		if !slices.Contains(q.skip, de.Term) {
			terms = append(terms, de.Term)
		}
	}
	if err := dict.Close(); err != nil {
		return nil, err
	}
	switch len(terms) {
	case 0:
		return searcher.NewMatchNoneSearcher(i)
	case 1:
		return searcher.NewTermSearcher(ctx, i, terms[0], q.field, q.boost, options)
	}
	return searcher.NewMultiTermSearcher(ctx, i, terms, q.field, q.boost, options, true)
}

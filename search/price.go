package search

import (
	"context"
	"encoding/binary"
	"math"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/numeric"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/mohallamart/mohalla"
)

// priceStep is the bits of precision dropped from one level of the price trie
// to the next. Bleve's numeric fields use 4, indexing 16 terms for each value,
// which made them a third of the cost of indexing a product; 8 levels of 8
// bits index half as many and still answer any range with a few term ranges.
const priceStep = 8

// priceField indexes a price in paise as the terms of a trie: the price with
// its lowest 0, 8, 16, ... bits dropped, prefix-coded as Bleve codes numbers.
func priceField(p mohalla.Money) *document.TextField {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(p))
	return document.NewTextFieldCustom(fieldPrice, nil, b[:], index.IndexField, priceAnalyzer{})
}

type priceAnalyzer struct{}

func (priceAnalyzer) Analyze(b []byte) analysis.TokenStream {
	v := int64(binary.BigEndian.Uint64(b))
	ts := make(analysis.TokenStream, 0, 64/priceStep)
	for shift := uint(0); shift < 64; shift += priceStep {
		t := numeric.MustNewPrefixCodedInt64(v, shift)
		ts = append(ts, &analysis.Token{Term: t, Start: 0, End: len(b), Position: 1, Type: analysis.Numeric})
	}
	return ts
}

// priceRange matches the prices from lo to hi (either nil for unbounded),
// inclusive, with at most two term ranges per level of the trie.
func priceRange(lo, hi *mohalla.Money) query.Query {
	minV, maxV := int64(0), int64(math.MaxInt64)
	if lo != nil {
		minV = int64(*lo)
	}
	if hi != nil {
		maxV = int64(*hi)
	}
	var qs []query.Query
	for _, r := range splitRange(minV, maxV) {
		t := query.NewTermRangeInclusiveQuery(string(r[0]), string(r[1]), new(true), new(true))
		t.SetField(fieldPrice)
		qs = append(qs, t)
	}
	if len(qs) == 0 {
		return query.NewMatchNoneQuery()
	}
	return query.NewDisjunctionQuery(qs)
}

// splitRange covers [minV, maxV] with term ranges of the price trie, coarsest
// in the middle, as Lucene's NumericUtils.splitRange does.
func splitRange(minV, maxV int64) [][2][]byte {
	var out [][2][]byte
	add := func(lo, hi int64, shift uint) {
		hi |= int64(1)<<shift - 1
		out = append(out, [2][]byte{numeric.MustNewPrefixCodedInt64(lo, shift), numeric.MustNewPrefixCodedInt64(hi, shift)})
	}
	if minV > maxV {
		return nil
	}
	for shift := uint(0); ; shift += priceStep {
		diff := int64(1) << (shift + priceStep)
		mask := (int64(1)<<priceStep - 1) << shift
		hasLower, hasUpper := minV&mask != 0, maxV&mask != mask
		nextMin, nextMax := minV&^mask, maxV&^mask
		if hasLower {
			nextMin = (minV + diff) &^ mask
		}
		if hasUpper {
			nextMax = (maxV - diff) &^ mask
		}
		if shift+priceStep >= 64 || nextMin > nextMax || nextMin < minV || nextMax > maxV {
			add(minV, maxV, shift)
			return out
		}
		if hasLower {
			add(minV, minV|mask, shift)
		}
		if hasUpper {
			add(maxV&^mask, maxV, shift)
		}
		minV, maxV = nextMin, nextMax
	}
}

// priceWithin keeps the hits of child priced from lo to hi (either nil for
// unbounded), reading each hit's price from its price key. When a text query
// has already narrowed the candidates to a few hundred, this costs far less
// than priceRange, which gathers every product in the price range first.
type priceWithin struct {
	child  query.Query
	lo, hi int64
}

func newPriceWithin(child query.Query, lo, hi *mohalla.Money) query.Query {
	q := &priceWithin{child: child, lo: 0, hi: math.MaxInt64}
	if lo != nil {
		q.lo = int64(*lo)
	}
	if hi != nil {
		q.hi = int64(*hi)
	}
	return q
}

func (q *priceWithin) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping,
	options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	s, err := q.child.Searcher(ctx, i, m, options)
	if err != nil {
		return nil, err
	}
	dv, err := i.DocValueReader([]string{fieldPriceKey})
	if err != nil {
		_ = s.Close()
		return nil, err
	}
	var price int64
	visit := func(_ string, term []byte) {
		// The key is 15 digits of paise, '|', the id (document.go).
		if len(term) > 15 && term[15] == '|' {
			price = 0
			for _, c := range term[:15] {
				price = price*10 + int64(c-'0')
			}
		}
	}
	return searcher.NewFilteringSearcher(ctx, s, func(_ *bsearch.SearchContext, d *bsearch.DocumentMatch) bool {
		price = -1
		_ = dv.VisitDocValues(d.IndexInternalID, visit)
		return price >= q.lo && price <= q.hi
	}), nil
}

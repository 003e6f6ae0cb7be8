package search

import (
	"cmp"

	"github.com/RoaringBitmap/roaring/v2"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// A faceted search over a very common word ("Pack": 700,000 matches at a
// million products) counted its matches by shop and category by intersecting
// each shop's bitmap with them; a shop's products are spread over the
// segment, so that cost a test per product, 3 to 8 ms, whatever the words.
// But such a search's matches are mostly the postings of one common term, or
// all the products: bitmaps that never change with the segment. So each
// segment counts those once, by shop and category number, when its columns
// are built (facet bases), and a search with many matches starts from the
// base nearest to them and counts only where they differ: the matches not in
// the base are added, the base's products not among the matches (deleted,
// out of stock, missing the other words) taken off.

// facetBase is the products of a bitmap of a segment counted by shop number
// ([0]) and by category number ([1]).
type facetBase struct {
	docs *roaring.Bitmap // read only
	sums [2][]uint32
}

// baseMinDocs is the fewest products a name term needs for its postings to
// be counted as a facet base: counting fewer matches match by match costs
// little.
const baseMinDocs = 4096

// buildFacetBases counts the products of c and the postings of its commonest
// name terms (those held by baseMin products, default baseMinDocs, or one in
// 64, whichever is more) as facet bases; fs holds every facet value of c.
func (c *columns) buildFacetBases(seg segment.Segment, fs facetSet, baseMin int) error {
	c.allBase = c.facetBase(c.products, fs)
	least := uint64(cmp.Or(baseMin, max(baseMinDocs, len(c.facet)/64)))
	if c.products.GetCardinality() < least {
		return nil
	}
	dict, err := seg.Dictionary(fieldName)
	if err != nil {
		return err
	}
	for _, t := range c.terms.terms {
		bm, err := postings(dict, t)
		if err != nil {
			return err
		}
		if bm.GetCardinality() < least {
			continue
		}
		if c.termBases == nil {
			c.termBases = map[string]*facetBase{}
		}
		c.termBases[t] = c.facetBase(roaring.And(bm, c.products), fs)
	}
	return nil
}

// facetBase counts docs, products of c, by shop and category number; fs
// holds every facet value of c.
func (c *columns) facetBase(docs *roaring.Bitmap, fs facetSet) *facetBase {
	docs.RunOptimize()
	b := &facetBase{docs: docs, sums: [2][]uint32{make([]uint32, len(fs.shops)), make([]uint32, len(fs.categories))}}
	buf := make([]uint32, 512)
	it := docs.ManyIterator()
	for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
		for _, d := range buf[:k] {
			v := &fs.values[c.facet[d]-1]
			b.sums[0][v.shopOrd]++
			b.sums[1][v.catOrd]++
		}
	}
	return b
}

// memory is an estimate of the bytes b holds.
func (b *facetBase) memory() uint64 {
	return b.docs.GetSizeInBytes() + 4*uint64(len(b.sums[0])+len(b.sums[1]))
}

// nearestBase returns the facet base of v whose products differ from cand,
// products of v, the least: nil if counting from any costs more than
// counting cand match by match.
func (s *productScan) nearestBase(v *segmentScan, cand *roaring.Bitmap) *facetBase {
	n := cand.GetCardinality()
	best, diff := (*facetBase)(nil), n/2 // a difference costs about twice a match
	try := func(b *facetBase) {
		if b == nil || b.docs.GetCardinality() > n+diff || b.docs.GetCardinality()+diff < n {
			return
		}
		if d := n + b.docs.GetCardinality() - 2*cand.AndCardinality(b.docs); d < diff {
			best, diff = b, d
		}
	}
	try(v.cols.allBase)
	if v.cols.termBases != nil {
		for _, ts := range s.words {
			for _, t := range ts {
				try(v.cols.termBases[t.term])
			}
		}
	}
	return best
}

// countFromBase adds the matches cand of v, products of v, to the facet
// counts: b's sums, corrected by the matches b lacks and b's products that
// are not matches.
func (s *productScan) countFromBase(v *segmentScan, cand *roaring.Bitmap, b *facetBase) {
	for i, sums := range b.sums {
		for o, n := range sums {
			s.sums[i][o] += int(n)
		}
	}
	counts, facet, buf := s.counts, v.cols.facet, s.mem.buf
	for _, diff := range []struct {
		docs *roaring.Bitmap
		by   int
	}{{roaring.AndNot(cand, b.docs), 1}, {roaring.AndNot(b.docs, cand), -1}} {
		it := diff.docs.ManyIterator()
		for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
			for _, d := range buf[:k] {
				counts[facet[d]] += diff.by
			}
		}
	}
}

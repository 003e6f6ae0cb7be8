package search

import "github.com/RoaringBitmap/roaring/v2"

// A near-me search with a common word ("Pack" within 5 km: 300,000 of its
// 700,000 matches in range) tested each match's shop against the radius
// and listed those in range as a new bitmap, 4 to 11 ms at a million
// products, to rank 20 of them. Sorted by distance, only the nearest shops'
// matches are ranked (bestByDistance), taken shop by shop from the
// matches wherever they are; so such a search keeps its matches as the
// words found them and only counts those in range: from the facet base
// nearest to them (facet_base.go), by shop, or else match by match.

// nearByShop reports whether the matches cand of a search with words are
// to be kept whole and counted in range (countNear): sorted by distance
// within a radius, with no filter but the radius and stock, no facets, and
// many matches for the shops in range, so that the nearest shops hold a page.
func (s *productScan) nearByShop(cand *roaring.Bitmap) bool {
	return s.byShopsInRange() && cand.GetCardinality() > 8*uint64(len(s.near))
}

// countNear returns how many of cand, products of v, are of shops in range.
func (s *productScan) countNear(v *segmentScan, cand *roaring.Bitmap) uint64 {
	facet, buf := v.cols.facet, s.mem.buf
	var n int64
	count := func(docs *roaring.Bitmap, by int64) {
		it := docs.ManyIterator()
		for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
			for _, d := range buf[:k] {
				if s.allow[facet[d]] {
					n += by
				}
			}
		}
	}
	b := s.nearestBase(v, cand)
	if b == nil {
		count(cand, 1)
		return uint64(n)
	}
	s.fromBase.Add(1)
	// The base's products in range; then the matches it lacks and its
	// products that are not matches.
	n = int64(s.baseInRange(b))
	count(roaring.AndNot(cand, b.docs), 1)
	count(roaring.AndNot(b.docs, cand), -1)
	return uint64(n)
}

// baseInRange returns how many of b's products are of shops in range.
func (s *productScan) baseInRange(b *facetBase) uint64 {
	var n uint64
	inRange := s.mem.shopOK // filterByFacet's: the radius is the only filter
	for o, c := range b.sums[0] {
		if o < len(inRange) && inRange[o] {
			n += uint64(c)
		}
	}
	return n
}

// productsInRange returns how many products of v, not deleted, are of shops
// in range: the segment's products counted by shop when its columns were
// built, less the deleted ones in range. Summing the shops' bitmaps' sizes
// read each shop's containers, a thousand shops in 5 km at a million
// products.
func (s *productScan) productsInRange(v *segmentScan) uint64 {
	n := s.baseInRange(v.cols.allBase)
	if d := v.ss.Deleted(); d != nil {
		facet, products := v.cols.facet, v.cols.products
		d.Iterate(func(x uint32) bool {
			if int(x) < len(facet) && s.allow[facet[x]] && products.Contains(x) {
				n--
			}
			return true
		})
	}
	return n
}

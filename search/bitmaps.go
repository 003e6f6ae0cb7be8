package search

import "github.com/RoaringBitmap/roaring/v2"

// A search combines bitmaps that it does not own: the postings of a term,
// read in place from the segment's mapped file, and the bitmaps of a
// segment's columns, which every search shares. Copying one of a common
// word's postings cost 128 KiB at a million products, and a search copied
// several. So the helpers below return a bitmap they were given when that is
// the answer, and an operation makes a new bitmap only where the old one is
// not the search's own to change (ownedBitmap).

// union returns the union of bms: one of them if it is the only one, so
// not to be changed.
func union(bms []*roaring.Bitmap) *roaring.Bitmap {
	switch len(bms) {
	case 0:
		return roaring.New()
	case 1:
		return bms[0]
	}
	return roaring.FastOr(bms...)
}

// intersection returns the intersection of bms: one of them if it is the
// only one, so not to be changed.
func intersection(bms []*roaring.Bitmap) *roaring.Bitmap {
	switch len(bms) {
	case 0:
		return roaring.New()
	case 1:
		return bms[0]
	}
	return roaring.FastAnd(bms...)
}

// ownedBitmap is a bitmap that a search narrows step by step: the first
// step makes a new bitmap from a shared one, the next ones change it in
// place.
type ownedBitmap struct {
	bm    *roaring.Bitmap
	owned bool
}

func (o *ownedBitmap) and(x *roaring.Bitmap) {
	if o.owned {
		o.bm.And(x)
	} else {
		o.bm, o.owned = roaring.And(o.bm, x), true
	}
}

func (o *ownedBitmap) andNot(x *roaring.Bitmap) {
	if o.owned {
		o.bm.AndNot(x)
	} else {
		o.bm, o.owned = roaring.AndNot(o.bm, x), true
	}
}

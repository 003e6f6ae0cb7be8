package search

import (
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// A walk down a segment's sort order finds a page quickly when the matches
// are spread over it, but matches bunched in one part of it (a word of the
// products a shop added last, walking the newest first) made it test most of
// the order and then rank every match, which cost tens of nanoseconds each.
// With each document's position in the order, the first matches are found
// instead by reading one position per match and keeping the least few: a
// nanosecond or two per match, and only those few are ranked.

// offerFirst offers, in order, the matches of docs (of v) whose position in
// order (at gives each document's) is from or later and among the top.n
// first of them, until one cannot be kept. rankOf gives a document's rank.
func (s *productScan) offerFirst(v *segmentScan, docs *roaring.Bitmap, order, at []uint32, from uint32,
	rankOf func(d uint32) rank) {
	if s.top.n == 0 {
		return
	}
	first := make([]uint32, 0, s.top.n)
	buf := s.mem.buf
	it := docs.ManyIterator()
	for n := it.NextMany(buf); n > 0; n = it.NextMany(buf) {
		first = leastPositions(first, s.top.n, buf[:n], at, from)
	}
	s.offerPositions(v, first, order, rankOf)
}

// offerFirstOf is offerFirst for matches listed.
func (s *productScan) offerFirstOf(v *segmentScan, docs []uint32, order, at []uint32, from uint32,
	rankOf func(d uint32) rank) {
	if s.top.n == 0 {
		return
	}
	first := leastPositions(make([]uint32, 0, s.top.n), s.top.n, docs, at, from)
	s.offerPositions(v, first, order, rankOf)
}

// leastPositions adds the positions (at) of docs from from on to first, a
// max-heap of the least k positions seen, and returns it.
func leastPositions(first []uint32, k int, docs, at []uint32, from uint32) []uint32 {
	for _, d := range docs {
		p := at[d]
		if p < from {
			continue
		}
		if len(first) < k {
			first = append(first, p)
			siftUp(first, len(first)-1)
		} else if p < first[0] {
			first[0] = p
			siftDown(first, 0)
		}
	}
	return first
}

// offerPositions offers the documents at the positions first of order, in
// order, until one cannot be kept.
func (s *productScan) offerPositions(v *segmentScan, first, order []uint32, rankOf func(d uint32) rank) {
	slices.Sort(first)
	for _, p := range first {
		d := order[p]
		if !s.offer(v, d, rankOf(d)) {
			return
		}
	}
}

func siftUp(h []uint32, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if h[p] >= h[i] {
			return
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func siftDown(h []uint32, i int) {
	for {
		w, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && h[l] > h[w] {
			w = l
		}
		if r < len(h) && h[r] > h[w] {
			w = r
		}
		if w == i {
			return
		}
		h[i], h[w] = h[w], h[i]
		i = w
	}
}

package search

import "sync"

// scratch is the working memory of one product search, reused by later
// ones. Its arrays by facet (one entry per shop and category pair, 16,000 at
// a million products in 2,000 shops) were most of what a faceted or near-me
// search allocated, and the collector's work grows with what searches
// allocate.
type scratch struct {
	counts  []int     // by facet (productScan.counts)
	sums    [2][]int  // by shop and category number
	allow   []bool    // by facet
	dist    []float64 // by facet
	shopKey []float64 // by shop number
	shopOK  []bool    // by shop number
	catOK   []bool    // by category number
	// buf receives the documents of a bitmap a batch at a time, for one
	// walk over a bitmap at a time.
	buf  []uint32
	keep []uint32 // the matches that pass a filter (matchSegment)
}

var scratchPool = sync.Pool{New: func() any { return &scratch{buf: make([]uint32, 512)} }}

// release returns sc for reuse; nothing read from it may be used after.
func (sc *scratch) release() { scratchPool.Put(sc) }

// zeroed returns (*s)[:n], grown if need be, all zero.
func zeroed[T any](s *[]T, n int) []T {
	if cap(*s) < n {
		*s = make([]T, n)
	} else {
		*s = (*s)[:n]
		clear(*s)
	}
	return *s
}

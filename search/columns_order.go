package search

import (
	"bytes"
	"cmp"
	"io/fs"
	"math"
	"path/filepath"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// A page needs the best few matches, not a rank for every one. So that a
// search can stop once no match left can enter its page, each segment's
// columns also hold its products grouped by the length norm of their names
// (which bounds their relevance scores), and its products listed in each sort
// order the columns decide (newest, cheapest, dearest). Built once with the
// columns, since a segment never changes.

// normBucket is the products of a segment whose names have one length norm.
type normBucket struct {
	norm float32
	docs *roaring.Bitmap
}

// buildOrders fills the products, in-stock, norm and sort-order arrays of c
// from its columns.
func (c *columns) buildOrders() {
	c.products, c.inStockDocs = roaring.New(), roaring.New()
	norms := map[float32][]uint32{}
	var docs, stocked []uint32
	for d, f := range c.facet {
		if f == 0 {
			continue
		}
		docs = append(docs, uint32(d))
		if c.inStock[d] {
			stocked = append(stocked, uint32(d))
		}
		norms[c.norm[d]] = append(norms[c.norm[d]], uint32(d))
	}
	c.products.AddMany(docs)
	c.inStockDocs.AddMany(stocked)
	c.products.RunOptimize()
	c.inStockDocs.RunOptimize()
	for n, ds := range norms {
		c.byNorm = append(c.byNorm, normBucket{norm: n, docs: roaring.BitmapOf(ds...)})
	}
	slices.SortFunc(c.byNorm, func(a, b normBucket) int { return cmp.Compare(b.norm, a.norm) })
	c.normAt = make([]uint8, len(c.facet))
	for d := range c.normAt {
		c.normAt[d] = noNorm
	}
	for i, b := range c.byNorm {
		at := uint8(min(i, noNorm))
		b.docs.Iterate(func(d uint32) bool { c.normAt[d] = at; return true })
	}

	// Ties are broken as rankOrder.before does: newest first, then the
	// greater id.
	newer := func(x, y uint32) int {
		return cmp.Or(cmp.Compare(c.created[y], c.created[x]), bytes.Compare(c.id(y), c.id(x)))
	}
	c.newest = slices.Clone(docs)
	slices.SortFunc(c.newest, newer)
	c.cheapest = slices.Clone(docs)
	slices.SortFunc(c.cheapest, func(x, y uint32) int { return cmp.Or(cmp.Compare(c.price[x], c.price[y]), newer(x, y)) })
	c.dearest = slices.Clone(docs)
	slices.SortFunc(c.dearest, func(x, y uint32) int { return cmp.Or(cmp.Compare(c.price[y], c.price[x]), newer(x, y)) })
	c.newestAt, c.cheapestAt, c.dearestAt = positions(c.newest, len(c.facet)), positions(c.cheapest, len(c.facet)),
		positions(c.dearest, len(c.facet))
}

// positions returns the position in order of each of n documents; those not
// in it (not products) get the last.
func positions(order []uint32, n int) []uint32 {
	at := make([]uint32, n)
	for i := range at {
		at[i] = math.MaxUint32
	}
	for i, d := range order {
		at[d] = uint32(i)
	}
	return at
}

// inOrder returns the products of c in the order of s, and the position of
// each document in it, or nil if the columns do not decide it (relevance with
// words, distance).
func (c *columns) inOrder(s Sort, scored bool) (order, at []uint32) {
	switch s {
	case SortNewest:
		return c.newest, c.newestAt
	case SortPriceAsc:
		return c.cheapest, c.cheapestAt
	case SortPriceDesc:
		return c.dearest, c.dearestAt
	case SortRelevance:
		if !scored {
			return c.newest, c.newestAt
		}
	}
	return nil, nil
}

// memory is an estimate of the bytes the columns hold in memory.
func (c *columns) memory() uint64 {
	n := uint64(len(c.facet))
	b := n*(4+8+8+4+1+1+4+3*4) + uint64(len(c.ids)) + uint64(len(c.newest)+len(c.cheapest)+len(c.dearest))*4
	for _, m := range []map[string]*roaring.Bitmap{c.byShop, c.byCategory} {
		for k, bm := range m {
			b += bm.GetSizeInBytes() + uint64(len(k))
		}
	}
	b += c.products.GetSizeInBytes() + c.inStockDocs.GetSizeInBytes()
	for _, nb := range c.byNorm {
		b += nb.docs.GetSizeInBytes()
	}
	for _, t := range c.terms.terms {
		b += uint64(len(t)) + 16 + 2 + 8 // the string and its header, length and mask
	}
	if c.allBase != nil {
		b += c.allBase.memory()
	}
	for p, bm := range c.prefixes {
		b += bm.GetSizeInBytes() + uint64(len(p))
	}
	for _, fb := range c.termBases {
		b += fb.memory()
	}
	return b
}

// MemoryStats is what an index holds: Columns, the bytes of the arrays and
// bitmaps searches read from memory (columns.go), and Files, the bytes of its
// segment files on disk, which the operating system maps into memory as they
// are read (and counts as resident while they stay cached).
type MemoryStats struct {
	Columns uint64
	Files   uint64
}

// Memory returns what the index in use holds.
func (ix *Index) Memory() MemoryStats {
	var m MemoryStats
	ix.columns.mu.Lock()
	for _, e := range ix.columns.m {
		if e.built.Load() && e.c != nil {
			m.Columns += e.c.memory()
		}
	}
	ix.columns.mu.Unlock()
	if g := ix.generation(); g != nil {
		_ = filepath.WalkDir(g.dir, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if fi, err := d.Info(); err == nil {
					m.Files += uint64(fi.Size())
				}
			}
			return nil
		})
	}
	return m
}

package search

import (
	"cmp"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// A match's score is its name's length norm times the sum, over the words,
// of the weight of the weightiest term of the word it holds. So the matches
// fall into classes that score alike: one per combination of each word's
// weight level (the distinct weights of its terms) and norm. bestByLevels
// takes these classes best first, and ranks each one's matches as ties
// (newest first, as rankTied does), without scoring any of them; it stops at
// the first class that scores below the worst hit kept. Bounding a whole norm
// by every word's weightiest term (bestByScore) gave way as soon as that term
// was rare, a typo's or a prefix's rarest completion, and then every match of
// the norm was scored: the cost grew with the number of matches.

// maxLevelCombos is the most combinations of word levels bestByLevels takes;
// a search with more (a short prefix of many completions in several words)
// is scored norm by norm.
const maxLevelCombos = 256

// levelCombo is one weight level of each word (-1: the word is absent, in a
// search matching any word), and the sum of their weights as the scorer
// sums them.
type levelCombo struct {
	levels  []int
	sum     float32
	matched int
}

// wordLevels are a word's terms grouped by weight, weightiest first: the
// indexes in productScan.words of the terms of each weight.
type wordLevels struct {
	weights []float32
	terms   [][]int
}

// levelsOf groups the terms of each word of s by weight. Terms no document
// holds match nothing and are left out, as bestByScore leaves them out of its
// bound.
func (s *productScan) levelsOf() []wordLevels {
	out := make([]wordLevels, len(s.words))
	for i, ts := range s.words {
		var ws []float32
		for _, t := range ts {
			if t.df > 0 {
				ws = append(ws, float32(t.weight))
			}
		}
		slices.SortFunc(ws, func(a, b float32) int { return cmp.Compare(b, a) })
		ws = slices.Compact(ws)
		out[i] = wordLevels{weights: ws, terms: make([][]int, len(ws))}
		for j, t := range ts {
			if t.df == 0 {
				continue
			}
			k := slices.Index(ws, float32(t.weight))
			out[i].terms[k] = append(out[i].terms[k], j)
		}
	}
	return out
}

// combosOf returns every combination of the words' levels, or nil if they
// are more than maxLevelCombos.
func (s *productScan) combosOf(levels []wordLevels) []levelCombo {
	n, most := 1, cmp.Or(s.levelCombos, maxLevelCombos)
	for _, l := range levels {
		k := len(l.weights)
		if s.m.anyWord {
			k++ // absent
		}
		n *= max(k, 1)
		if n > most {
			return nil
		}
	}
	combos := []levelCombo{{}}
	for _, l := range levels {
		var next []levelCombo
		for _, c := range combos {
			for j := range l.weights {
				next = append(next, levelCombo{levels: append(slices.Clip(c.levels), j)})
			}
			if s.m.anyWord {
				next = append(next, levelCombo{levels: append(slices.Clip(c.levels), -1)})
			}
		}
		combos = next
	}
	out := combos[:0]
	for _, c := range combos {
		// Summed word by word, as the scorer sums a match's best weights.
		for i, j := range c.levels {
			if j >= 0 {
				c.sum += levels[i].weights[j]
				c.matched++
			}
		}
		if c.matched > 0 {
			out = append(out, c)
		}
	}
	return out
}

// scoreOf is the score of a match of combination c and norm, computed as
// scorer.score computes it.
func (s *productScan) scoreOf(c *levelCombo, norm float32) float64 {
	x := float64(c.sum) * float64(norm)
	if s.m.anyWord {
		x *= float64(c.matched) / float64(len(s.words))
	}
	return x
}

// levelDocs are one segment's matches by word and level: exclusive[i][j] the
// matches whose weightiest term of word i is of level j, filled in level
// order as the classes need them; rest[i] the matches holding no term of
// the levels filled so far (nil: all of them).
type levelDocs struct {
	exclusive [][]*roaring.Bitmap
	rest      []*roaring.Bitmap
	combos    map[int]*roaring.Bitmap // by combination
	byNorm    map[float32]int         // the index of each norm's bucket in columns.byNorm
	// By combination of few matches: on a first page, the positions in
	// the newest order of its first matches in each norm's bucket
	// (firstByNorm); after a cursor, its matches grouped by their norm's
	// bucket (splitByNorm).
	firsts, split map[int][][]uint32
}

// A class's matches are those of its combination of levels with its norm.
// Taking them as the intersection of the combination's matches with the
// products of the norm cost, for each class tried, a pass over both
// bitmaps' containers (a norm's products are thousands in each): most of a
// typo's or a prefix's search at a million products. A combination of few
// matches is instead read once, each match's norm bucket and position in
// the newest order from the columns: on a first page, keeping the first
// few of each bucket, which are all its classes can take; after a cursor,
// grouping them by bucket for each class to take its part from the cursor
// on.

// firstByNorm returns, for each norm bucket of cols, the least top.n
// positions in the newest order of the documents of in in that bucket.
func (s *productScan) firstByNorm(cols *columns, in *roaring.Bitmap) [][]uint32 {
	n, k := len(cols.byNorm), s.top.n
	all := make([]uint32, n*k)
	heaps := make([][]uint32, n)
	for b := range heaps {
		heaps[b] = all[b*k : b*k : (b+1)*k]
	}
	if k == 0 {
		return heaps
	}
	buf := s.mem.buf
	it := in.ManyIterator()
	for m := it.NextMany(buf); m > 0; m = it.NextMany(buf) {
		for _, d := range buf[:m] {
			b, p := cols.normAt[d], cols.newestAt[d]
			if h := heaps[b]; len(h) < k {
				heaps[b] = append(h, p)
				siftUp(heaps[b], len(h))
			} else if p < h[0] {
				h[0] = p
				siftDown(h, 0)
			}
		}
	}
	return heaps
}

// splitMax is the most matches of a combination that are split by norm.
const splitMax = 16384

// noNorm is columns.normAt of a document that is not a product, or whose
// norm's bucket is past the 255th; a segment with that many buckets is not
// split by norm.
const noNorm = 255

// splitByNorm returns the documents of in, products of cols, grouped by
// their norm's bucket in cols.byNorm, each group in document order.
func (s *productScan) splitByNorm(cols *columns, in *roaring.Bitmap) [][]uint32 {
	n := len(cols.byNorm)
	ends := make([]int, n+1)
	buf := s.mem.buf
	it := in.ManyIterator()
	for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
		for _, d := range buf[:k] {
			ends[cols.normAt[d]+1]++
		}
	}
	for i := range n {
		ends[i+1] += ends[i]
	}
	all := make([]uint32, ends[n])
	next := slices.Clone(ends[:n])
	it = in.ManyIterator()
	for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
		for _, d := range buf[:k] {
			b := cols.normAt[d]
			all[next[b]] = d
			next[b]++
		}
	}
	groups := make([][]uint32, n)
	for i := range n {
		groups[i] = all[ends[i]:ends[i+1]:ends[i+1]]
	}
	return groups
}

// level returns the matches of v whose weightiest term of word i is of level
// j (-1: that hold none of the word's terms).
func (s *productScan) level(v *segmentScan, ld *levelDocs, levels []wordLevels, i, j int) *roaring.Bitmap {
	last := len(levels[i].weights) - 1
	if j < 0 && last < 0 {
		return v.match
	}
	// Each level's matches are taken from those no level before holds,
	// term by term: they shrink as the levels fill, and once none is left,
	// the levels after are empty without a look at their terms' postings.
	upTo := j
	if j < 0 {
		upTo = last
	}
	for k := len(ld.exclusive[i]); k <= upTo; k++ {
		rest := cmp.Or(ld.rest[i], v.match)
		if rest.IsEmpty() {
			ld.exclusive[i] = append(ld.exclusive[i], rest) // read only
			continue
		}
		var docs *roaring.Bitmap
		for _, t := range levels[i].terms[k] {
			if x := roaring.And(rest, v.terms[i][t]); docs == nil {
				docs = x
			} else {
				docs.Or(x)
			}
		}
		switch {
		case docs.IsEmpty():
		case ld.rest[i] == nil:
			ld.rest[i] = roaring.AndNot(v.match, docs) // its own from here on
		default:
			ld.rest[i].AndNot(docs)
		}
		ld.exclusive[i] = append(ld.exclusive[i], docs)
	}
	if j < 0 {
		return cmp.Or(ld.rest[i], v.match)
	}
	return ld.exclusive[i][j]
}

// bestByLevels keeps the most relevant matches class by class, best first
// (above). It returns false, having done nothing, for a search whose word
// levels combine too many ways.
func (s *productScan) bestByLevels(views []segmentScan) bool {
	levels := s.levelsOf()
	combos := s.combosOf(levels)
	if combos == nil {
		return false
	}
	type class struct {
		combo int
		norm  float32
		score float64
	}
	norms := distinctNorms(views)
	classes := make([]class, 0, len(combos)*len(norms))
	for c := range combos {
		for _, n := range norms {
			classes = append(classes, class{combo: c, norm: n, score: s.scoreOf(&combos[c], n)})
		}
	}
	slices.SortStableFunc(classes, func(a, b class) int { return cmp.Compare(b.score, a.score) })
	docs := make([]*levelDocs, len(views))
	for _, cl := range classes {
		if worst := s.top.worst(); worst != nil && cl.score < worst.a {
			return true
		}
		for i := range views {
			v := &views[i]
			if v.match.IsEmpty() {
				continue
			}
			ld := docs[i]
			if ld == nil {
				ld = &levelDocs{exclusive: make([][]*roaring.Bitmap, len(levels)), rest: make([]*roaring.Bitmap, len(levels)),
					combos: map[int]*roaring.Bitmap{}, byNorm: map[float32]int{}, firsts: map[int][][]uint32{},
					split: map[int][][]uint32{}}
				for b, nb := range v.cols.byNorm {
					ld.byNorm[nb.norm] = b
				}
				docs[i] = ld
			}
			b, ok := ld.byNorm[cl.norm]
			if !ok {
				continue
			}
			in, ok := ld.combos[cl.combo]
			if !ok {
				for w, j := range combos[cl.combo].levels {
					l := s.level(v, ld, levels, w, j)
					if in == nil {
						in = l // read only
					} else {
						in = roaring.And(in, l)
					}
					if in.IsEmpty() {
						break
					}
				}
				ld.combos[cl.combo] = in
				if most := cmp.Or(s.splitMax, splitMax); most > 0 && len(v.cols.byNorm) < noNorm && in.GetCardinality() <= uint64(most) {
					if s.after == nil {
						ld.firsts[cl.combo] = s.firstByNorm(v.cols, in)
					} else {
						ld.split[cl.combo] = s.splitByNorm(v.cols, in)
					}
				}
			}
			if firsts := ld.firsts[cl.combo]; firsts != nil {
				if len(firsts[b]) > 0 {
					rankOf, _ := s.tied(v, cl.score)
					s.offerPositions(v, firsts[b], v.cols.newest, rankOf)
				}
				continue
			}
			if groups := ld.split[cl.combo]; groups != nil {
				s.rankTiedList(v, groups[b], cl.score)
				continue
			}
			if bucket := v.cols.byNorm[b].docs; in.Intersects(bucket) {
				s.rankTied(v, roaring.And(in, bucket), cl.score)
			}
		}
	}
	return true
}

package search

import (
	"cmp"
	"math"
	"slices"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
)

// A search counts every match but ranks only those that may enter its page.
// matchSegment finds, as bitmaps, the matches that pass the filters: their
// number and facet counts come from them without a rank or score each. best
// then walks the matches in an order that lets it stop early: by relevance,
// the products grouped by the length norm of their names, best first, which
// bounds their scores; by distance, the shops in range, nearest first; by
// newest or price, the segment's products listed in that order. It stops once
// the worst hit kept ranks before anything left. The exhaustive path
// (scanSegment) ranks every match; the tests check both give the same pages.

// matchSegment puts the documents of v that pass the query's words and
// filters in v.match, and adds them to the count and the facet counts.
func (s *productScan) matchSegment(v *segmentScan, text bool) {
	cols, deleted, q := v.cols, v.ss.Deleted(), s.q
	var cand ownedBitmap // shared until a step narrows it
	if text {
		words := make([]*roaring.Bitmap, len(v.terms))
		for i := range v.terms {
			words[i], cand.owned = s.wordMatches(v, i)
		}
		if s.m.anyWord {
			cand.bm = union(words)
		} else {
			cand.bm = intersection(words)
		}
		cand.owned = cand.owned || len(words) > 1
	} else if s.byShopsInRange() {
		s.countShopsInRange(v)
		return
	} else if cand.bm = s.facetFilter(cols); cand.bm == nil {
		cand.bm = cols.products
	}
	if deleted != nil {
		cand.andNot(deleted)
	}
	if q.InStock {
		cand.and(cols.inStockDocs)
	}
	// What the bitmaps cannot filter is checked match by match: a few
	// nanoseconds each, where ranking one cost tens. Facets of many matches
	// and no such filter are counted by intersecting the shops' and the
	// categories' bitmaps instead.
	byFacet := text && !s.allowAll
	if byFacet && q.RadiusKm == 0 && cand.bm.GetCardinality() > 64*uint64(2+len(q.Categories)+len(q.ShopIDs)) {
		// Many matches: the union of the shops' and categories' bitmaps
		// costs less (but not that of all the shops in a radius).
		cand.and(s.facetFilter(cols))
		byFacet = false
	}
	filter := byFacet || q.MinPrice != nil || q.MaxPrice != nil
	if text && s.nearByShop(cand.bm) {
		// Ranked shop by shop from the nearest: only counted in range.
		cand.and(cols.products)
		s.found += s.countNear(v, cand.bm)
		v.match, v.inRange = cand.bm, true
		return
	}
	if !filter && s.counts != nil {
		// Every match passes: count them by facet, without a list of them:
		// from the facet base nearest to them if they are many and mostly
		// one (facet_base.go), else from bitmaps or match by match.
		if text {
			cand.and(cols.products)
		}
		if b := s.nearestBase(v, cand.bm); b != nil {
			s.countFromBase(v, cand.bm, b)
			s.fromBase.Add(1)
		} else if cand.bm.GetCardinality() > 64*uint64(len(cols.byShop)+len(cols.byCategory)) {
			s.countByBitmaps(cols, cand.bm)
		} else {
			counts, facet, buf := s.counts, cols.facet, s.mem.buf
			it := cand.bm.ManyIterator()
			for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
				for _, d := range buf[:k] {
					counts[facet[d]]++
				}
			}
		}
	} else if filter {
		keep, buf := s.mem.keep[:0], s.mem.buf
		it := cand.bm.ManyIterator()
		for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
			for _, d := range buf[:k] {
				f := cols.facet[d]
				if !s.allow[f] {
					continue
				}
				if p := cols.price[d]; (q.MinPrice != nil && p < int64(*q.MinPrice)) || (q.MaxPrice != nil && p > int64(*q.MaxPrice)) {
					continue
				}
				if s.counts != nil {
					s.counts[f]++
				}
				keep = append(keep, d)
			}
		}
		if uint64(len(keep)) != cand.bm.GetCardinality() {
			cand.bm = roaring.New()
			cand.bm.AddMany(keep)
		}
		s.mem.keep = keep
	} else if text {
		cand.and(cols.products)
	}
	s.found += cand.bm.GetCardinality()
	v.match = cand.bm // read only from here on: it may be shared
}

// byShopsInRange reports whether the search is near-me without words, sorted
// by distance, with no filter but the radius and stock, and no facets: its
// matches are then counted shop by shop, and only the nearest shops' are
// ranked, where the union of every shop in range cost more than the rest of
// the search.
func (s *productScan) byShopsInRange() bool {
	q := s.q
	return s.dist != nil && q.RadiusKm > 0 && s.counts == nil && q.MinPrice == nil && q.MaxPrice == nil &&
		q.Category == "" && len(q.Categories) == 0 && q.ShopID == "" && len(q.ShopIDs) == 0
}

// countShopsInRange adds the matches of v in the shops in range to the count;
// v.match stays nil, and shopMatches gives them shop by shop.
func (s *productScan) countShopsInRange(v *segmentScan) {
	v.byShop = true
	if !s.q.InStock && v.cols.allBase != nil {
		s.found += s.productsInRange(v)
		s.fromBase.Add(1)
		return
	}
	for id := range s.near {
		bm := v.cols.byShop[id]
		if bm == nil {
			continue
		}
		if s.q.InStock {
			bm = roaring.And(bm, v.cols.inStockDocs)
		}
		s.found += bm.GetCardinality()
		if deleted := v.ss.Deleted(); deleted != nil {
			s.found -= bm.AndCardinality(deleted)
		}
	}
}

// shopMatches returns the matches of v among bm, the products of a shop.
func (s *productScan) shopMatches(v *segmentScan, bm *roaring.Bitmap) *roaring.Bitmap {
	if !v.byShop {
		return roaring.And(v.match, bm)
	}
	bm = bm.Clone()
	if s.q.InStock {
		bm.And(v.cols.inStockDocs)
	}
	if d := v.ss.Deleted(); d != nil {
		bm.AndNot(d)
	}
	return bm
}

// countByBitmaps adds the matches of cols in cand to the facet sums, per
// shop and per category number.
func (s *productScan) countByBitmaps(cols *columns, cand *roaring.Bitmap) {
	for i, by := range cols.numbered {
		for _, nb := range by {
			if n := cand.AndCardinality(nb.docs); n > 0 {
				s.sums[i][nb.ord] += int(n)
			}
		}
	}
}

// best keeps the best hits of the matches of views.
func (s *productScan) best(views []segmentScan) {
	switch {
	case s.order.scored:
		s.bestByScore(views)
	case s.dist != nil:
		s.bestByDistance(views)
	default:
		s.bestInOrder(views)
	}
}

// rankOf is the rank of document d of v, but for its id, which offer reads
// only when it needs it; sc, if not nil, has its score.
func (s *productScan) rankOf(v *segmentScan, sc *scorer, d uint32) rank {
	cols := v.cols
	r := rank{t: cols.created[d]}
	switch {
	case sc != nil:
		r.a = sc.score(d)
	case s.dist != nil:
		r.a = s.dist[cols.facet[d]]
	case s.order.useA:
		r.a = float64(cols.price[d])
	}
	return r
}

// offer keeps document d of v, of rank r, if it comes after the cursor and
// ranks among the best so far. It returns false if r ranks after the worst
// hit kept, and so does everything after r in the sort order.
func (s *productScan) offer(v *segmentScan, d uint32, r rank) bool {
	cols := v.cols
	if s.after != nil && !s.order.beforeOr(s.after, &r, cols, d) {
		return true
	}
	if worst := s.top.worst(); worst != nil && !s.order.beforeOr(&r, worst, cols, d) {
		return false
	}
	if r.id == nil {
		r.id = cols.id(d)
	}
	s.top.offer(s.order, hitRef{rank: r, ss: v.ss, cols: cols, doc: d})
	return true
}

// rankAll offers every document of docs, of v; sc, if not nil, scores them.
func (s *productScan) rankAll(v *segmentScan, docs *roaring.Bitmap, sc *scorer) {
	buf := s.mem.buf
	it := docs.ManyIterator()
	for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
		for _, d := range buf[:k] {
			s.offer(v, d, s.rankOf(v, sc, d))
		}
	}
}

// bestInOrder keeps the best matches in an order the columns decide (newest,
// price): a segment whose matches are many walks its products in that order
// from the cursor on and stops at the first that cannot be kept; one whose
// matches are few takes the first of them by their positions in the order
// (order_select.go).
func (s *productScan) bestInOrder(views []segmentScan) {
	for i := range views {
		v := &views[i]
		m := v.match.GetCardinality()
		if m == 0 {
			continue
		}
		order, at := v.cols.inOrder(s.q.Sort, false)
		if order == nil {
			s.rankAll(v, v.match, nil)
			continue
		}
		from := 0
		if s.after != nil {
			from = sort.Search(len(order), func(i int) bool {
				d := order[i]
				r := s.rankOf(v, nil, d)
				return s.order.beforeOr(s.after, &r, v.cols, d)
			})
		}
		s.inOrderFrom(v, v.match, m, order, at, from, func(d uint32) rank { return s.rankOf(v, nil, d) })
	}
}

// inOrderFrom offers the first matches of docs (m of them, of v) in order
// from position from on, until one cannot be kept. A walk tests about
// len(order)/m products per hit kept if the matches are spread evenly over
// the order, each test costing several position reads: so few matches are
// taken by their positions at once, and a walk that finds its matches rarer
// than hoped (bunched later in the order) gives up after m/8 tests and takes
// the rest by their positions.
func (s *productScan) inOrderFrom(v *segmentScan, docs *roaring.Bitmap, m uint64, order, at []uint32, from int,
	rankOf func(d uint32) rank) {
	if 8*uint64(s.top.n)*uint64(len(order))/m > m {
		s.offerFirst(v, docs, order, at, uint32(from), rankOf)
		return
	}
	budget := cmp.Or(s.walkBudget, max(m/8, 1))
	for i, d := range order[from:] {
		if uint64(i) == budget {
			s.offerFirst(v, docs, order, at, uint32(from+i), rankOf)
			return
		}
		if docs.Contains(d) && !s.offer(v, d, rankOf(d)) {
			return
		}
	}
}

// bestByDistance keeps the nearest matches: it takes the shops in range
// nearest first, and stops at the first shop farther than the worst hit
// kept. Few matches, or no radius, are ranked one by one.
func (s *productScan) bestByDistance(views []segmentScan) {
	var m uint64
	lazy := false
	for i := range views {
		if views[i].byShop || views[i].inRange {
			lazy = true
			continue
		}
		m += views[i].match.GetCardinality()
	}
	type shopKey struct {
		id  string
		key float64
	}
	if !lazy && (s.q.RadiusKm == 0 || m <= uint64(len(s.near)*len(views))*8) {
		for i := range views {
			s.rankAll(&views[i], views[i].match, nil)
		}
		return
	}
	shops := make([]shopKey, 0, len(s.near))
	for id, km := range s.near {
		shops = append(shops, shopKey{id: id, key: math.Round(km * 1e6)}) // as filterByFacet
	}
	slices.SortFunc(shops, func(a, b shopKey) int { return cmp.Compare(a.key, b.key) })
	for _, sh := range shops {
		// Shops at the same distance come one after another, and a shop no
		// farther than the worst hit kept may still tie with it.
		if worst := s.top.worst(); worst != nil && sh.key > worst.a {
			return
		}
		for i := range views {
			v := &views[i]
			if bm := v.cols.byShop[sh.id]; bm != nil && (v.byShop || v.match.Intersects(bm)) {
				s.rankAll(v, s.shopMatches(v, bm), nil)
			}
		}
	}
}

// bestByScore keeps the most relevant matches. A match scores at most the
// sum over the words of the weight of their best term, times its name's
// length norm: it scores the products of each norm, greatest first, and stops
// when that bound for the next norm is below the worst score kept.
func (s *productScan) bestByScore(views []segmentScan) {
	if s.bestByLevels(views) {
		return
	}
	// Summed as the scorer sums, so never below a score's sum. A term no
	// document holds (a misspelling as typed, a prefix) weighs the most and
	// matches nothing, so it does not count.
	var most float32
	for _, ts := range s.words {
		var w float32
		for _, t := range ts {
			if t.df > 0 {
				w = max(w, float32(t.weight))
			}
		}
		most += w
	}
	norms := distinctNorms(views)
	rest, tops := s.topLevel(views)
	next := make([]int, len(views)) // each view's next bucket
	for _, norm := range norms {
		if worst := s.top.worst(); worst != nil && float64(most)*float64(norm) < worst.a {
			return
		}
		for i := range views {
			v := &views[i]
			bs := v.cols.byNorm
			for next[i] < len(bs) && bs[next[i]].norm > norm {
				next[i]++
			}
			if next[i] == len(bs) || bs[next[i]].norm != norm || !v.match.Intersects(bs[next[i]].docs) {
				continue
			}
			docs := roaring.And(v.match, bs[next[i]].docs)
			if tops != nil {
				// The matches of every word's weightiest terms all score
				// most times norm: they tie, and rank newest first.
				top := roaring.And(docs, tops[i])
				s.rankTied(v, top, float64(most)*float64(norm))
				if top.GetCardinality() == docs.GetCardinality() {
					continue
				}
				if worst := s.top.worst(); worst != nil && float64(rest)*float64(norm) < worst.a {
					continue
				}
				docs.AndNot(top)
			}
			sc := newScorer(s, v, docs)
			s.rankAll(v, docs, sc)
			sc.release()
		}
	}
}

// topLevel returns, for each of views, the matches that hold a weightiest
// term (of those some document holds) of every word, so score most times
// their norm; and rest, a bound on the score sums of the other matches: the
// words' best weights but for one word's next best, summed in the scorer's
// order, so that no other match's sum exceeds it. tops is nil for a search
// matching any word (whose scores also weigh the share of words matched), or
// one with a word whose weightiest terms are rare.
func (s *productScan) topLevel(views []segmentScan) (rest float32, tops []*roaring.Bitmap) {
	if s.m.anyWord {
		return 0, nil
	}
	best, second := make([]float32, len(s.words)), make([]float32, len(s.words))
	for i, ts := range s.words {
		for _, t := range ts {
			if w := float32(t.weight); t.df > 0 && w > best[i] {
				best[i] = w
			}
		}
		for _, t := range ts {
			if w := float32(t.weight); t.df > 0 && w < best[i] && w > second[i] {
				second[i] = w
			}
		}
	}
	// The top level pays only when it holds a page of matches: a word whose
	// weightiest terms are rare (a prefix's rarest completion, a typo's)
	// leaves it small, and the rest is scored anyway.
	for i, ts := range s.words {
		var df uint64
		for _, t := range ts {
			if t.df > 0 && float32(t.weight) == best[i] {
				df += t.df
			}
		}
		if df < 64*uint64(s.top.n) {
			return 0, nil
		}
	}
	levels := false
	for i := range s.words {
		if second[i] == 0 {
			continue // every match of word i holds one of its weightiest terms
		}
		levels = true
		var sum float32
		for j := range s.words {
			if j == i {
				sum += second[j]
			} else {
				sum += best[j]
			}
		}
		rest = max(rest, sum)
	}
	tops = make([]*roaring.Bitmap, len(views))
	for v := range views {
		words := make([]*roaring.Bitmap, len(s.words))
		for i, ts := range s.words {
			var bms []*roaring.Bitmap
			for j, t := range ts {
				if t.df > 0 && float32(t.weight) == best[i] {
					bms = append(bms, views[v].terms[i][j])
				}
			}
			words[i] = union(bms)
		}
		tops[v] = intersection(words) // read only
	}
	if !levels {
		rest = 0 // no match outside the top level
	}
	return rest, tops
}

// rankTied offers the documents of docs, of v, which all score a: so they
// rank newest first, and are taken in the segment's newest order from the
// cursor on (inOrderFrom).
func (s *productScan) rankTied(v *segmentScan, docs *roaring.Bitmap, a float64) {
	m := docs.GetCardinality()
	if m == 0 {
		return
	}
	rankOf, from := s.tied(v, a)
	s.inOrderFrom(v, docs, m, v.cols.newest, v.cols.newestAt, from, rankOf)
}

// rankTiedList is rankTied for matches listed (scan_levels.go): they are
// few, so taken by their positions in the newest order.
func (s *productScan) rankTiedList(v *segmentScan, docs []uint32, a float64) {
	if len(docs) == 0 {
		return
	}
	rankOf, from := s.tied(v, a)
	s.offerFirstOf(v, docs, v.cols.newest, v.cols.newestAt, uint32(from), rankOf)
}

// tied returns the rank of a document of v that scores a, and the position
// in v's newest order from which such documents come after the cursor.
func (s *productScan) tied(v *segmentScan, a float64) (func(d uint32) rank, int) {
	cols := v.cols
	rankOf := func(d uint32) rank { return rank{a: a, t: cols.created[d]} }
	from := 0
	if s.after != nil {
		// Ties after the cursor are those after it in the newest order: all
		// or none of them when its score differs.
		from = sort.Search(len(cols.newest), func(i int) bool {
			d := cols.newest[i]
			r := rankOf(d)
			return s.order.beforeOr(s.after, &r, cols, d)
		})
	}
	return rankOf, from
}

// distinctNorms returns the name-length norms of the views' documents, each
// once, largest first.
func distinctNorms(views []segmentScan) []float32 {
	var norms []float32
	for i := range views {
		for _, b := range views[i].cols.byNorm {
			norms = append(norms, b.norm)
		}
	}
	slices.SortFunc(norms, func(a, b float32) int { return cmp.Compare(b, a) })
	return slices.Compact(norms)
}

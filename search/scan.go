package search

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// productScan is one product search over one snapshot of the index. It finds
// the documents its words match in each segment as bitmaps of the words'
// postings, and filters, counts, ranks and keeps the best of them by reading
// their columns: Bleve's searchers cost a hundred nanoseconds and more per
// match, which a common word's seventy thousand matches made tens of
// milliseconds.
type productScan struct {
	q      *ProductQuery
	near   map[string]float64 // shop id -> km from q.Near
	words  [][]scanTerm       // the terms each word matches, and what they weigh
	prefix string             // the last word, if it matches as a prefix
	m      matching
	order  rankOrder
	after  *rank     // the cursor: only hits after it
	allow  []bool    // by facet: whether it passes the query's category, shop and radius
	dist   []float64 // by facet: its shop's distance in millimetres (SortDistance)
	counts []int     // by facet, when facets are asked for
	// sums are counts by shop number ([0]) and by category number ([1])
	// that were made from bitmaps, not facet by facet (scan_topk.go);
	// fillFacets adds them.
	sums  [2][]int
	found uint64
	top   topHits
	// allowAll is whether every facet passes (no category, shop or radius).
	allowAll  bool
	typoCache *typoCache // the index's (typos.go)
	// exhaustive ranks every match, as searches did before they stopped at
	// the best: the tests compare the two.
	exhaustive  bool
	walkBudget  uint64 // 0: half the segment's matches (scan_topk.go)
	levelCombos int    // 0: maxLevelCombos (scan_levels.go)
	splitMax    int    // 0: splitMax; negative: none (scan_levels.go)
	mem         *scratch
	fromBase    *atomic.Uint64 // counts the segments counted from a facet base
}

// scanTerm is a term of the name field that a query word matches, and the
// weight of that match: the boost of how it matches times the square of the
// term's inverse document frequency, as Bleve's (Lucene's classic) scoring
// weighs a term.
type scanTerm struct {
	term   string
	boost  float64
	weight float64
	df     uint64 // documents holding it, deleted ones too
}

// segmentScan is a productScan's view of one segment.
type segmentScan struct {
	ss    *scorch.SegmentSnapshot
	cols  *columns
	terms [][]*roaring.Bitmap // [word][term]: the term's postings, read only (postings)
	match *roaring.Bitmap     // the documents that pass every filter (scan_topk.go)
	// byShop is set when match is not built: the matches are the products
	// of the shops in range, taken shop by shop (scan_topk.go).
	byShop bool
	// inRange is set when match holds the matches wherever their shops
	// are, and only those of the shops in range count (scan_near.go).
	inRange bool
}

// wordTerms returns the terms of the name field that w matches and their
// boosts: its forms exactly; as the last word, the words it begins; and with
// typos, the words within its allowed edits, each weighing less the more
// edits it needs. They are found in the name terms of cols, the columns of
// snap's segments (terms.go), and typos and completions come from cache when
// its snapshot had the same segments.
func wordTerms(snap *scorch.IndexSnapshot, cols []*columns, cache *typoCache, w word, last, typos bool) []scanTerm {
	forms := []string{w.raw}
	if w.one != w.raw {
		forms = append(forms, w.one)
	}
	boosts := map[string]float64{w.raw: boostExact, w.one: boostExact}
	add := func(t string, b float64) {
		if b > boosts[t] {
			boosts[t] = b
		}
	}
	if last {
		// The completions of a prefix are cached as its typos are: merging
		// every segment's dictionary for a prefix of three letters was a
		// good part of a search as the shopper types.
		ts, ok := cache.get(snap, fieldName, w.raw, prefixEdits)
		if !ok {
			ts = fromSegments(cols, func(nt *nameTerms, add func(typoTerm)) {
				nt.withPrefix(w.raw, func(t string) { add(typoTerm{term: t}) })
			})
			cache.put(snap, fieldName, w.raw, prefixEdits, ts)
		}
		for _, t := range ts {
			add(t.term, boostPrefix)
		}
	}
	if n := maxTypos(w.raw); typos && n > 0 {
		for _, f := range forms {
			ts, ok := cache.get(snap, fieldName, f, n)
			if !ok {
				ts = fromSegments(cols, func(nt *nameTerms, add func(typoTerm)) {
					nt.within(f, n, func(t string, e int) { add(typoTerm{term: t, edits: e}) })
				})
				cache.put(snap, fieldName, f, n, ts)
			}
			for _, t := range ts {
				add(t.term, boostTypo/float64(t.edits))
			}
		}
	}
	out := make([]scanTerm, 0, len(boosts))
	for t, b := range boosts {
		out = append(out, scanTerm{term: t, boost: b})
	}
	return out
}

// fromSegments returns the terms find adds from the name terms of each of
// cols, each term once.
func fromSegments(cols []*columns, find func(nt *nameTerms, add func(typoTerm))) []typoTerm {
	var ts []typoTerm
	for _, c := range cols {
		find(&c.terms, func(t typoTerm) { ts = append(ts, t) })
	}
	if len(cols) > 1 {
		slices.SortFunc(ts, func(a, b typoTerm) int { return strings.Compare(a.term, b.term) })
		ts = slices.CompactFunc(ts, func(a, b typoTerm) bool { return a.term == b.term })
	}
	return ts
}

// postings returns the documents of seg whose field holds term: with zap's
// segments, the postings bitmap as the segment file holds it, read in place,
// so not to be changed (bitmaps.go).
func postings(dict segment.TermDictionary, term string) (*roaring.Bitmap, error) {
	pl, err := dict.PostingsList([]byte(term), nil, nil)
	if err != nil {
		return nil, err
	}
	it := pl.Iterator(false, false, false, nil)
	if a, ok := it.(interface{ ActualBitmap() *roaring.Bitmap }); ok {
		if bm := a.ActualBitmap(); bm != nil {
			return bm, nil
		}
	}
	bm := roaring.New() // one document, or none
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			return bm, nil
		}
		bm.Add(uint32(p.Number()))
	}
}

// run scans every segment of snap, whose columns are cols; facets are the
// facet keys numbered when they were built.
func (s *productScan) run(snap *scorch.IndexSnapshot, cols []*columns, facets facetSet, ws []word) error {
	views := make([]segmentScan, len(cols))
	for i, ss := range snap.Segments() {
		views[i] = segmentScan{ss: ss, cols: cols[i]}
	}
	if len(ws) > 0 {
		if err := s.matchWords(snap, views, ws); err != nil {
			return err
		}
	}
	s.filterByFacet(facets)
	if s.exhaustive {
		for i := range views {
			s.scanSegment(&views[i], len(ws) > 0)
		}
		return nil
	}
	for i := range views {
		s.matchSegment(&views[i], len(ws) > 0)
	}
	s.best(views)
	return nil
}

// matchWords finds the postings of every term of ws in each segment, and
// weighs each term by its document frequency in the whole snapshot.
func (s *productScan) matchWords(snap *scorch.IndexSnapshot, views []segmentScan, ws []word) error {
	s.words = make([][]scanTerm, len(ws))
	cols := make([]*columns, len(views))
	for i := range views {
		cols[i] = views[i].cols
	}
	for i, w := range ws {
		s.words[i] = wordTerms(snap, cols, s.typoCache, w, i == len(ws)-1 && !s.m.noPrefix, s.m.typos)
	}
	if !s.m.noPrefix {
		s.prefix = ws[len(ws)-1].raw
	}
	df := make([][]uint64, len(ws))
	for i := range ws {
		df[i] = make([]uint64, len(s.words[i]))
	}
	for v := range views {
		dict, err := views[v].ss.Segment().Dictionary(fieldName)
		if err != nil {
			return err
		}
		views[v].terms = make([][]*roaring.Bitmap, len(ws))
		for i, ts := range s.words {
			views[v].terms[i] = make([]*roaring.Bitmap, len(ts))
			for j, t := range ts {
				bm, err := postings(dict, t.term)
				if err != nil {
					return fmt.Errorf("search: postings of %q: %w", t.term, err)
				}
				views[v].terms[i][j] = bm
				df[i][j] += bm.GetCardinality()
			}
		}
	}
	docs, err := snap.DocCount()
	if err != nil {
		return err
	}
	for i, ts := range s.words {
		for j := range ts {
			idf := 1 + math.Log(float64(docs)/float64(df[i][j]+1))
			ts[j].weight, ts[j].df = ts[j].boost*idf*idf, df[i][j]
		}
	}
	return nil
}

// filterByFacet decides which facets (category and shop) pass the query's
// category, shop and radius, and, sorting by distance, how far each one's
// shop is. It decides per shop and per category, which are few, and then
// per facet by their numbers; a query without such filters shares one
// array in which every facet passes.
func (s *productScan) filterByFacet(fs facetSet) {
	q, values := s.q, fs.values
	if len(q.Facets) > 0 {
		s.counts = zeroed(&s.mem.counts, len(values)+1)
		s.sums = [2][]int{zeroed(&s.mem.sums[0], len(fs.shops)), zeroed(&s.mem.sums[1], len(fs.categories))}
	}
	s.allowAll = q.Category == "" && len(q.Categories) == 0 && q.ShopID == "" && len(q.ShopIDs) == 0 && q.RadiusKm == 0
	var shopKey []float64 // by shop number: its distance key
	if q.Sort == SortDistance {
		shopKey = zeroed(&s.mem.shopKey, len(fs.shops))
		for i, id := range fs.shops {
			shopKey[i] = farAway
			if km, ok := s.near[id]; ok {
				shopKey[i] = math.Round(km * 1e6)
			}
		}
		s.dist = zeroed(&s.mem.dist, len(values)+1)
		for i, v := range values {
			s.dist[i+1] = shopKey[v.shopOrd]
		}
	}
	if s.allowAll {
		s.allow = fs.allowAll
		return
	}
	shopOK := zeroed(&s.mem.shopOK, len(fs.shops))
	for i, id := range fs.shops {
		var inRange bool
		if shopKey != nil { // the shops in range are those of a distance
			inRange = shopKey[i] != farAway
		} else if q.RadiusKm > 0 {
			_, inRange = s.near[id]
		}
		shopOK[i] = oneOf(id, q.ShopID, q.ShopIDs) && (q.RadiusKm == 0 || inRange)
	}
	catOK := zeroed(&s.mem.catOK, len(fs.categories))
	for i, c := range fs.categories {
		catOK[i] = oneOf(c, q.Category, q.Categories)
	}
	s.allow = zeroed(&s.mem.allow, len(values)+1)
	for i, v := range values {
		s.allow[i+1] = shopOK[v.shopOrd] && catOK[v.catOrd]
	}
}

// farAway is the distance key of a shop the index does not know the place of.
const farAway = 1e15

// scanSegment keeps the matches of one segment that pass the filters.
func (s *productScan) scanSegment(v *segmentScan, text bool) {
	cols, deleted := v.cols, v.ss.Deleted()
	var cand *roaring.Bitmap
	if text {
		words := make([]*roaring.Bitmap, len(v.terms))
		for i, ts := range v.terms {
			words[i] = roaring.FastOr(ts...)
		}
		if s.m.anyWord {
			cand = roaring.FastOr(words...)
		} else {
			cand = roaring.FastAnd(words...)
		}
	} else if f := s.facetFilter(cols); f != nil {
		cand = f.Clone()
	} else {
		cand = roaring.New()
		cand.AddRange(0, uint64(len(cols.facet)))
	}
	if deleted != nil {
		cand.AndNot(deleted)
	}
	var sc *scorer
	if s.order.scored {
		sc = newScorer(s, v, cand)
		defer sc.release()
	}
	buf := s.mem.buf
	it := cand.ManyIterator()
	for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
		for _, d := range buf[:k] {
			s.consider(v, sc, d)
		}
	}
}

// consider keeps document d of v if it passes the filters and ranks among
// the best so far; sc, if not nil, has its score.
func (s *productScan) consider(v *segmentScan, sc *scorer, d uint32) {
	cols, q := v.cols, s.q
	f := cols.facet[d]
	if f == 0 || !s.allow[f] || (q.InStock && !cols.inStock[d]) {
		return
	}
	if p := cols.price[d]; (q.MinPrice != nil && p < int64(*q.MinPrice)) || (q.MaxPrice != nil && p > int64(*q.MaxPrice)) {
		return
	}
	s.found++
	if s.counts != nil {
		s.counts[f]++
	}
	r := rank{t: cols.created[d]}
	switch {
	case sc != nil:
		r.a = sc.score(d)
	case s.dist != nil:
		r.a = s.dist[f]
	case s.order.useA:
		r.a = float64(cols.price[d])
	}
	// Most matches rank below the hits kept; the id is read only when their
	// scores and times tie.
	if s.after != nil && !s.order.beforeOr(s.after, &r, cols, d) {
		return
	}
	if worst := s.top.worst(); worst != nil && !s.order.beforeOr(&r, worst, cols, d) {
		return
	}
	r.id = cols.id(d)
	s.top.offer(s.order, hitRef{rank: r, ss: v.ss, cols: cols, doc: d})
}

// facetFilter returns the products of cols of the query's category, shop and
// shops in range, or nil if it has none of these filters; it may be a bitmap
// of cols, so it is not to be changed. A search without
// words starts from it instead of every document; one with words checks each
// match's facet, which costs less than these unions unless its matches are
// many (scan_topk.go).
func (s *productScan) facetFilter(cols *columns) *roaring.Bitmap {
	var in []*roaring.Bitmap
	if bm := anyOf(cols.byCategory, s.q.Category, s.q.Categories); bm != nil {
		in = append(in, bm)
	}
	if bm := anyOf(cols.byShop, s.q.ShopID, s.q.ShopIDs); bm != nil {
		in = append(in, bm)
	}
	if s.q.RadiusKm > 0 {
		shops := make([]*roaring.Bitmap, 0, len(s.near))
		for id := range s.near {
			if bm := cols.byShop[id]; bm != nil {
				shops = append(shops, bm)
			}
		}
		in = append(in, union(shops))
	}
	if len(in) == 0 {
		return nil
	}
	return intersection(in)
}

// oneOf reports whether v passes a filter of one value and a list: each
// passes everything when empty.
func oneOf(v, one string, list []string) bool {
	return (one == "" || v == one) && (len(list) == 0 || slices.Contains(list, v))
}

// anyOf returns the products of by whose value passes the filter of one value
// and a list (as oneOf), or nil if both are empty; it may be a bitmap of by,
// so it is not to be changed.
func anyOf(by map[string]*roaring.Bitmap, one string, list []string) *roaring.Bitmap {
	if one == "" && len(list) == 0 {
		return nil
	}
	if one != "" {
		if len(list) > 0 && !slices.Contains(list, one) {
			return roaring.New()
		}
		return cmp.Or(by[one], roaring.New())
	}
	bms := make([]*roaring.Bitmap, 0, len(list))
	for _, v := range list {
		if bm := by[v]; bm != nil {
			bms = append(bms, bm)
		}
	}
	return union(bms)
}

// scorer holds the scores of a segment's matches: per word, the weight of its
// best matching term, summed over the words and scaled by the name's length
// norm; matching any word, also by the share of the words matched. It fills
// arrays by document number, term by term, which costs a few nanoseconds per
// match where checking each match against each term cost tens.
type scorer struct {
	*scores
	cand    *roaring.Bitmap // the documents scored
	norm    []float32
	words   int
	anyWord bool
}

// scores are a scorer's arrays, reused across searches.
type scores struct {
	sum, best []float32
	matched   []uint8
}

var scoresPool = sync.Pool{New: func() any { return &scores{} }}

func newScorer(s *productScan, v *segmentScan, cand *roaring.Bitmap) *scorer {
	n := len(v.cols.norm)
	sc := &scorer{scores: scoresPool.Get().(*scores), cand: cand, norm: v.cols.norm, words: len(v.terms),
		anyWord: s.m.anyWord}
	if cap(sc.sum) < n {
		sc.sum, sc.best, sc.matched = make([]float32, n), make([]float32, n), make([]uint8, n)
	}
	sum, best, matched := sc.sum[:n], sc.best[:n], sc.matched[:n]
	buf := s.mem.buf
	for i, ts := range v.terms {
		for j, bm := range ts {
			w := float32(s.words[i][j].weight)
			it := roaring.And(bm, cand).ManyIterator()
			for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
				for _, d := range buf[:k] {
					best[d] = max(best[d], w)
				}
			}
		}
		it := cand.ManyIterator()
		for k := it.NextMany(buf); k > 0; k = it.NextMany(buf) {
			for _, d := range buf[:k] {
				if b := best[d]; b > 0 {
					sum[d] += b
					matched[d]++
					best[d] = 0
				}
			}
		}
	}
	return sc
}

// score is the score of document d.
func (sc *scorer) score(d uint32) float64 {
	x := float64(sc.sum[d]) * float64(sc.norm[d])
	if sc.anyWord {
		x *= float64(sc.matched[d]) / float64(sc.words)
	}
	return x
}

// release clears the arrays and returns them for reuse: the documents scored,
// or all of them when that is most.
func (sc *scorer) release() {
	if sc.cand.GetCardinality() > uint64(len(sc.sum)/16) {
		clear(sc.sum)
		clear(sc.matched)
	} else {
		sc.cand.Iterate(func(d uint32) bool {
			sc.sum[d], sc.matched[d] = 0, 0
			return true
		})
	}
	scoresPool.Put(sc.scores)
}

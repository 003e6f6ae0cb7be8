package search

import (
	"bytes"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	"github.com/mohallamart/mohalla"
)

// A product search filters, counts and sorts every product its words match,
// tens of thousands for a common word. Reading each one's values from Bleve's
// doc values cost about as much as matching it; so each segment of the index,
// which never changes once written, gets its products' values in arrays, built
// once (in the background after the projection writes the segment, or by the
// first search that reads it): an array read per match instead.

// columnsValue is a product's column values as its document holds them, one
// doc-values term: price in paise, creation time in microseconds, 1 if in
// stock, the number of words in its name, product id, shop id and category,
// separated by '|'. Ids never hold a '|'; the category comes last, so it may.
func columnsValue(p mohalla.Product, words int) string {
	inStock := 0
	if p.Stock > 0 {
		inStock = 1
	}
	// The creation time to the millisecond, in microseconds: a product indexed
	// from its product/created event (projection.go), whose ts is in
	// milliseconds, gets the value its row gives.
	return fmt.Sprintf("%d|%d|%d|%d|%s|%s", p.Price, p.CreatedAt.UnixMilli()*1000, inStock, words, p.ID,
		facetKey(p.ShopID, p.Category))
}

// facetKey is a product's shop and category, the values its facets count.
func facetKey(shopID, category string) string { return shopID + "|" + category }

// words is the number of words in a name analyzed so, for ranking a match
// in a short name above one in a long name: a singular added for a plural
// stands at the plural's place, so it counts once.
func (a analyzed) words() int {
	n := 0
	for _, t := range a {
		n = max(n, t.Position)
	}
	return max(n, 1)
}

// columns are the values of a segment's products, indexed by document number
// within the segment. A number that is not a product has facet 0.
type columns struct {
	facet   []uint32  // the product's category and shop (see facetDict)
	price   []int64   // paise
	created []int64   // microseconds
	norm    []float32 // 1/sqrt(words in the name)
	inStock []bool
	ids     []byte   // product ids, back to back
	idEnd   []uint32 // where each id ends in ids
	// The products of each shop and of each category: a search without words
	// that filters by them starts from these. A shop's products are mostly
	// neighbours, so its bitmap is a few runs and unions of shops are cheap.
	byShop, byCategory map[string]*roaring.Bitmap
	// numbered is the same bitmaps by shop number ([0]) and category number
	// ([1]) (facetDict), for counting facets.
	numbered [2][]numberedBitmap
	// The rest serve searches that need the best few of many matches
	// (columns_order.go): the products, those in stock, the products by the
	// length norm of their names, best first, and the products in each sort
	// order.
	products, inStockDocs *roaring.Bitmap
	byNorm                []normBucket
	// normAt is each product's bucket in byNorm (scan_levels.go); noNorm
	// past the 255th, and for what is not a product.
	normAt           []uint8
	newest, cheapest []uint32 // document numbers in those orders
	dearest          []uint32
	// The position of each document in those orders (order_select.go).
	newestAt, cheapestAt, dearestAt []uint32
	// terms are the segment's name terms, for typos and prefixes (terms.go).
	terms nameTerms
	// allBase and termBases are the segment's products and the postings
	// of its commonest name terms counted by facet (facet_base.go).
	allBase   *facetBase
	termBases map[string]*facetBase
	// prefixes are the unions of the postings of the terms each short
	// prefix begins, of many products (prefix_union.go).
	prefixes map[string]*roaring.Bitmap
}

// numberedBitmap is the products of one shop or category, by its number.
type numberedBitmap struct {
	ord  uint32
	docs *roaring.Bitmap
}

func (c *columns) id(doc uint32) []byte {
	start := uint32(0)
	if doc > 0 {
		start = c.idEnd[doc-1]
	}
	return c.ids[start:c.idEnd[doc]]
}

// buildColumns reads the column values of every document of seg; name
// terms of baseMin products or more (0: baseMinDocs) are counted as facet
// bases.
func buildColumns(seg segment.Segment, facets *facetDict, baseMin int) (*columns, error) {
	dv, ok := seg.(segment.DocValueVisitable)
	if !ok {
		return nil, fmt.Errorf("search: segment %T has no doc values", seg)
	}
	n := int(seg.Count())
	c := &columns{facet: make([]uint32, n), price: make([]int64, n), created: make([]int64, n),
		norm: make([]float32, n), inStock: make([]bool, n), idEnd: make([]uint32, n)}
	fields := []string{fieldColumns}
	var (
		state segment.DocVisitState
		err   error
		bad   error
		val   []byte
	)
	visit := func(_ string, term []byte) { val = term }
	var lastKey []byte // neighbouring documents are mostly of one shop
	var lastOrd uint32
	ord := func(key []byte) uint32 {
		if lastOrd == 0 || !bytes.Equal(key, lastKey) {
			lastOrd, lastKey = facets.ord(key), append(lastKey[:0], key...)
		}
		return lastOrd
	}
	for doc := range n {
		val = nil
		if state, err = dv.VisitDocValues(uint64(doc), fields, visit, state); err != nil {
			return nil, err
		}
		if val != nil && bad == nil {
			bad = c.set(doc, val, ord)
		}
		c.idEnd[doc] = uint32(len(c.ids))
	}
	c.byShop, c.byCategory = map[string]*roaring.Bitmap{}, map[string]*roaring.Bitmap{}
	all := facets.all()
	values := all.values
	docs := make([][]uint32, len(values)+1) // by facet
	for doc, f := range c.facet {
		docs[f] = append(docs[f], uint32(doc))
	}
	shopOrd, catOrd := map[string]uint32{}, map[string]uint32{}
	for f, ds := range docs[1:] {
		addTo(c.byShop, values[f].shop, ds)
		addTo(c.byCategory, values[f].category, ds)
		shopOrd[values[f].shop], catOrd[values[f].category] = values[f].shopOrd, values[f].catOrd
	}
	for i, m := range []map[string]*roaring.Bitmap{c.byShop, c.byCategory} {
		ords := []map[string]uint32{shopOrd, catOrd}[i]
		for k, bm := range m {
			bm.RunOptimize()
			c.numbered[i] = append(c.numbered[i], numberedBitmap{ord: ords[k], docs: bm})
		}
	}
	c.buildOrders()
	if c.terms, err = readNameTerms(seg); err != nil {
		return nil, err
	}
	if err := c.buildFacetBases(seg, all, baseMin); err != nil {
		return nil, err
	}
	if err := c.buildPrefixUnions(seg, prefixLeast(c, baseMin)); err != nil {
		return nil, err
	}
	return c, bad
}

func addTo(m map[string]*roaring.Bitmap, key string, docs []uint32) {
	if len(docs) == 0 {
		return
	}
	bm := m[key]
	if bm == nil {
		bm = roaring.New()
		m[key] = bm
	}
	bm.AddMany(docs)
}

// set parses the column value v of doc.
func (c *columns) set(doc int, v []byte, ord func(facetKey []byte) uint32) error {
	var nums [4]int64
	for i := range nums {
		j := bytes.IndexByte(v, '|')
		n, ok := digits(v[:max(j, 0)])
		if j < 0 || !ok {
			return fmt.Errorf("search: malformed column value %q", v)
		}
		nums[i], v = n, v[j+1:]
	}
	j := bytes.IndexByte(v, '|')
	if j < 0 || nums[3] < 1 {
		return fmt.Errorf("search: malformed column value %q", v)
	}
	c.price[doc], c.created[doc], c.inStock[doc] = nums[0], nums[1], nums[2] == 1
	c.norm[doc] = float32(1 / math.Sqrt(float64(nums[3])))
	c.ids = append(c.ids, v[:j]...)
	c.facet[doc] = ord(v[j+1:])
	return nil
}

// digits reads a decimal integer.
func digits(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	var n int64
	for _, d := range b {
		if d < '0' || d > '9' || n > (math.MaxInt64-9)/10 {
			return 0, false
		}
		n = n*10 + int64(d-'0')
	}
	if neg {
		n = -n
	}
	return n, len(b) > 0
}

// facetDict numbers the facet keys (shop and category) of products from 1,
// for the life of the index: they are few (shops times categories), so a
// search counts and filters matches by them in arrays. It numbers the shops
// and the categories too, from 0, so that a search sums the counts of a
// facet and decides what passes its filters per shop and per category, in
// arrays, rather than per key in maps.
type facetDict struct {
	mu         sync.RWMutex
	ords       map[string]uint32
	values     []facetValue // [ord-1]
	shops      []string     // by shop number
	categories []string     // by category number
	shopOrds   map[string]uint32
	catOrds    map[string]uint32
	allowAll   []bool // true but at 0: what every key passes when a search has no filter
}

type facetValue struct {
	shop, category string
	shopOrd        uint32 // in facetSet.shops
	catOrd         uint32 // in facetSet.categories
}

// facetSet is the keys numbered when a search began: key o is values[o-1].
type facetSet struct {
	values     []facetValue
	shops      []string
	categories []string
	allowAll   []bool // len(values)+1
}

func (d *facetDict) ord(key []byte) uint32 {
	d.mu.RLock()
	o, ok := d.ords[string(key)]
	d.mu.RUnlock()
	if ok {
		return o
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if o, ok := d.ords[string(key)]; ok {
		return o
	}
	if d.ords == nil {
		d.ords, d.shopOrds, d.catOrds = map[string]uint32{}, map[string]uint32{}, map[string]uint32{}
		d.allowAll = []bool{false}
	}
	shop, category, _ := strings.Cut(string(key), "|")
	v := facetValue{shop: shop, category: category}
	v.shopOrd = numbered(d.shopOrds, &d.shops, shop)
	v.catOrd = numbered(d.catOrds, &d.categories, category)
	d.values = append(d.values, v)
	d.allowAll = append(d.allowAll, true)
	d.ords[string(key)] = uint32(len(d.values))
	return uint32(len(d.values))
}

// numbered returns the number of v in list, adding it if new.
func numbered(ords map[string]uint32, list *[]string, v string) uint32 {
	o, ok := ords[v]
	if !ok {
		o = uint32(len(*list))
		ords[v] = o
		*list = append(*list, v)
	}
	return o
}

// all returns every key numbered so far. The slices are shared and only
// ever appended to, so they are read without a lock.
func (d *facetDict) all() facetSet {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return facetSet{values: slices.Clip(d.values), shops: slices.Clip(d.shops), categories: slices.Clip(d.categories),
		allowAll: slices.Clip(d.allowAll)}
}

// columnCache holds the columns of the segments searches read, until their
// segment leaves the index (merged into a bigger one, or its index replaced).
type columnCache struct {
	facets facetDict
	mu     sync.Mutex
	m      map[segment.Segment]*columnEntry
	// baseMin, if not 0, is the fewest products of a name term that make it
	// a facet base (facet_base.go), and fromBase counts the segments whose
	// facets searches counted from a base; for the tests.
	baseMin  int
	fromBase atomic.Uint64
}

type columnEntry struct {
	once  sync.Once
	c     *columns
	err   error
	built atomic.Bool // c and err are set (for Memory, which does not wait)
}

// get returns seg's columns, building them on first use.
func (cc *columnCache) get(seg segment.Segment) (*columns, error) {
	cc.mu.Lock()
	if cc.m == nil {
		cc.m = map[segment.Segment]*columnEntry{}
	}
	e := cc.m[seg]
	if e == nil {
		e = &columnEntry{}
		cc.m[seg] = e
	}
	cc.mu.Unlock()
	e.once.Do(func() {
		e.c, e.err = buildColumns(seg, &cc.facets, cc.baseMin)
		e.built.Store(true)
	})
	return e.c, e.err
}

// warmSoon warms the live generation in the background, after the projection
// applies a batch: a warm asked for while one runs is done by it or the next.
func (ix *Index) warmSoon() {
	ix.warmPending.Store(true)
	if !ix.warming.CompareAndSwap(false, true) {
		return
	}
	go func() {
		for {
			for ix.warmPending.Swap(false) {
				ix.readers.RLock()
				if g := ix.live.Load(); g != nil {
					ix.warm(g)
				}
				ix.readers.RUnlock()
			}
			ix.warming.Store(false)
			if !ix.warmPending.Load() || !ix.warming.CompareAndSwap(false, true) {
				return
			}
		}
	}()
}

// warm builds the columns of g's segments that no search has read yet, so
// that no search waits for them: in the background after the projection
// applies a batch, and before a reindex swaps its index in. Segments that
// Bleve merges in between are built by the first search that reads them.
func (ix *Index) warm(g *generation) {
	snap, err := g.reader()
	if err == nil {
		_, err = ix.columns.of(snap)
		_ = snap.Close()
	}
	if err != nil {
		ix.log.Warn("search: could not read the index's columns", slog.Any("err", err))
	}
}

// of returns the columns of each segment of snap, and forgets those of
// segments gone from the index once it holds many more than snap has.
func (cc *columnCache) of(snap *scorch.IndexSnapshot) ([]*columns, error) {
	segs := snap.Segments()
	out := make([]*columns, len(segs))
	for i, ss := range segs {
		c, err := cc.get(ss.Segment())
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if len(cc.m) > 2*len(segs)+8 {
		keep := make(map[segment.Segment]bool, len(segs))
		for _, ss := range segs {
			keep[ss.Segment()] = true
		}
		for s := range cc.m {
			if !keep[s] {
				delete(cc.m, s)
			}
		}
	}
	return out, nil
}

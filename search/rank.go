package search

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"slices"

	"github.com/blevesearch/bleve/v2/index/scorch"
)

// rank is where a product hit falls in a sort order: a (its score, price or
// shop distance, as the order says), then newest first, then by id, so that
// the order is total and a cursor never skips or repeats a hit.
type rank struct {
	a  float64
	t  int64  // created, microseconds
	id []byte // product id
}

// rankOrder compares ranks for one sort.
type rankOrder struct {
	useA   bool // a decides first
	aDesc  bool // greater a first
	scored bool // a is the relevance score
}

func orderOf(s Sort, scored bool) rankOrder {
	switch s {
	case SortPriceAsc, SortDistance:
		return rankOrder{useA: true}
	case SortPriceDesc:
		return rankOrder{useA: true, aDesc: true}
	case SortRelevance:
		if scored {
			return rankOrder{useA: true, aDesc: true, scored: true}
		}
	}
	return rankOrder{} // newest
}

// before reports whether x comes before y.
func (o rankOrder) before(x, y *rank) bool {
	if o.useA && x.a != y.a {
		return (x.a > y.a) == o.aDesc
	}
	if x.t != y.t {
		return x.t > y.t
	}
	return bytes.Compare(x.id, y.id) > 0
}

// beforeOr is before where x or y, the one whose id is nil, is document d of
// cols: its id is read (and kept in its rank) only if a and t tie.
func (o rankOrder) beforeOr(x, y *rank, cols *columns, d uint32) bool {
	if (o.useA && x.a != y.a) || x.t != y.t || (x.id != nil && y.id != nil) {
		return o.before(x, y)
	}
	if x.id == nil {
		x.id = cols.id(d)
	} else {
		y.id = cols.id(d)
	}
	return o.before(x, y)
}

// hitRef is a kept hit: its rank, and where its document is.
type hitRef struct {
	rank
	ss   *scorch.SegmentSnapshot
	cols *columns
	doc  uint32
}

// topHits keeps the best n hits offered, as a heap with the worst on top.
type topHits struct {
	n    int
	hits []hitRef
}

// worst returns the rank of the worst hit kept once n are, else nil.
func (h *topHits) worst() *rank {
	if len(h.hits) < h.n || h.n == 0 {
		return nil
	}
	return &h.hits[0].rank
}

func (h *topHits) offer(o rankOrder, r hitRef) {
	if len(h.hits) < h.n {
		h.hits = append(h.hits, r)
		h.up(o, len(h.hits)-1)
		return
	}
	if h.n == 0 || !o.before(&r.rank, &h.hits[0].rank) {
		return
	}
	h.hits[0] = r
	h.down(o, 0)
}

// worse reports whether hit i ranks after hit j: the heap's order.
func (h *topHits) worse(o rankOrder, i, j int) bool {
	return o.before(&h.hits[j].rank, &h.hits[i].rank)
}

func (h *topHits) up(o rankOrder, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.worse(o, i, p) {
			return
		}
		h.hits[i], h.hits[p] = h.hits[p], h.hits[i]
		i = p
	}
}

func (h *topHits) down(o rankOrder, i int) {
	for {
		w, l, r := i, 2*i+1, 2*i+2
		if l < len(h.hits) && h.worse(o, l, w) {
			w = l
		}
		if r < len(h.hits) && h.worse(o, r, w) {
			w = r
		}
		if w == i {
			return
		}
		h.hits[i], h.hits[w] = h.hits[w], h.hits[i]
		i = w
	}
}

// sorted returns the hits kept, best first.
func (h *topHits) sorted(o rankOrder) []hitRef {
	out := slices.Clone(h.hits)
	slices.SortFunc(out, func(x, y hitRef) int {
		switch {
		case o.before(&x.rank, &y.rank):
			return -1
		case o.before(&y.rank, &x.rank):
			return 1
		}
		return 0
	})
	return out
}

// productCursor is where the next page of products starts: the rank of the
// last hit shown, for the same sort and the same matching (typos, any word).
type productCursor struct {
	Sort    string  `json:"s"`
	A       float64 `json:"a,omitempty"`
	T       int64   `json:"t"`
	ID      string  `json:"i"`
	AnyWord bool    `json:"w,omitempty"`
	Typos   bool    `json:"y,omitempty"`
}

func (c productCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeProductCursor reads a cursor of a product search sorted by sort; ""
// is the first page, which has no rank to start after.
func decodeProductCursor(s string, sort Sort) (productCursor, *rank, error) {
	if s == "" {
		return productCursor{}, nil, nil
	}
	var c productCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Sort != string(sort) || c.ID == "" {
		return productCursor{}, nil, errBadCursor()
	}
	return c, &rank{a: c.A, t: c.T, id: []byte(c.ID)}, nil
}

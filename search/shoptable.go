package search

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/mohallamart/mohalla"
)

// shopTable holds where each indexed shop is. A neighbourhood has few shops
// (hundreds, where it has a hundred thousand products), so a search near a
// point measures the distance to every shop here, in microseconds, and then
// filters and sorts products by shop id, instead of measuring it for every
// product in the index.
type shopTable struct {
	mu sync.RWMutex
	m  map[string]shopEntry
}

type shopEntry struct {
	loc     mohalla.Location
	version int64
}

// put records sh unless the table has a newer version of it.
func (t *shopTable) put(id string, loc mohalla.Location, version int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[string]shopEntry{}
	}
	if old, ok := t.m[id]; !ok || old.version <= version {
		t.m[id] = shopEntry{loc: loc, version: version}
	}
}

// within returns the distance in km from p of each shop within km of it, or
// of every shop when km is 0.
func (t *shopTable) within(p mohalla.Location, km float64) map[string]float64 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make(map[string]float64, len(t.m))
	for id, e := range t.m {
		if d := distanceKm(p, e.loc); km == 0 || d <= km {
			out[id] = d
		}
	}
	return out
}

// load fills the table from the shop documents of idx.
func (t *shopTable) load(ctx context.Context, idx bleve.Index) error {
	req := bleve.NewSearchRequestOptions(term(fieldKind, kindShop), math.MaxInt32, 0, false)
	req.Score = "none"
	req.Fields = []string{fieldSource}
	req.SortByCustom(bsearch.SortOrder{&bsearch.SortDocID{}})
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return fmt.Errorf("search: load shops: %w", err)
	}
	for _, h := range res.Hits {
		var src shopSource
		if err := hitSource(h.ID, h.Fields, &src); err != nil {
			return err
		}
		t.put(h.ID[len("s:"):], mohalla.Location{Lat: src.Lat, Lng: src.Lng}, src.Version)
	}
	return nil
}

// shopDistanceSort orders products by the distance of their shop, then newest
// first. It reads one value per hit, the newest key, which ends with the shop
// id, and looks the shop's distance up in a table made once per search. Its
// values start with fixed-width millimetres, so they compare as strings, are
// unique, and serve as cursors.
type shopDistanceSort struct {
	keys map[string]string // shop id -> distance key
	cur  []byte
	desc bool
}

func newShopDistanceSort(dist map[string]float64) *shopDistanceSort {
	keys := make(map[string]string, len(dist))
	for id, km := range dist {
		keys[id] = fmt.Sprintf("%015d", int64(math.Round(km*1e6)))
	}
	return &shopDistanceSort{keys: keys}
}

func (s *shopDistanceSort) UpdateVisitor(field string, term []byte) {
	if field == fieldNewKey {
		s.cur = term
	}
}

func (s *shopDistanceSort) Value(*bsearch.DocumentMatch) string {
	nk := s.cur
	s.cur = nil
	key, ok := s.keys[string(nk[bytes.LastIndexByte(nk, '|')+1:])]
	if !ok {
		key = "~" // a shop not in the table: last
	}
	var b strings.Builder // one allocation per hit, which sorting needs anyway
	b.Grow(len(key) + 1 + len(nk))
	b.WriteString(key)
	b.WriteByte('|')
	appendNewestFirst(&b, nk)
	return b.String()
}

// appendNewestFirst writes a newest key so that it sorts newest first: the
// digits of its time nines' complemented, the rest (which keeps it unique) as
// it is.
func appendNewestFirst(b *strings.Builder, nk []byte) {
	i := bytes.IndexByte(nk, '|')
	if i < 0 {
		i = len(nk)
	}
	for _, c := range nk[:i] {
		b.WriteByte('9' - (c - '0'))
	}
	b.Write(nk[i:])
}

// newestFirst is appendNewestFirst to a string of its own. It is its own
// inverse.
func newestFirst(nk []byte) string {
	var b strings.Builder
	appendNewestFirst(&b, nk)
	return b.String()
}

func (s *shopDistanceSort) DecodeValue(v string) string { return v }
func (s *shopDistanceSort) Descending() bool            { return s.desc }
func (s *shopDistanceSort) RequiresDocID() bool         { return false }
func (s *shopDistanceSort) RequiresScoring() bool       { return false }
func (s *shopDistanceSort) RequiresFields() []string    { return []string{fieldNewKey} }
func (s *shopDistanceSort) Reverse()                    { s.desc = !s.desc }
func (s *shopDistanceSort) Copy() bsearch.SearchSort    { c := *s; return &c }

// distanceKm is the great-circle distance of a and b.
func distanceKm(a, b mohalla.Location) float64 {
	const r = 6371.0088 // mean Earth radius, km
	rad := math.Pi / 180
	dlat, dlng := (b.Lat-a.Lat)*rad, (b.Lng-a.Lng)*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dlng/2)*math.Sin(dlng/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

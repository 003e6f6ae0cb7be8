package search

import (
	"context"
	"fmt"
	"math"
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

// distanceKm is the great-circle distance of a and b.
func distanceKm(a, b mohalla.Location) float64 {
	const r = 6371.0088 // mean Earth radius, km
	rad := math.Pi / 180
	dlat, dlng := (b.Lat-a.Lat)*rad, (b.Lng-a.Lng)*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dlng/2)*math.Sin(dlng/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}

package search

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/mohallamart/mohalla"
)

// shopTable holds where each indexed shop is. A neighbourhood has few shops
// (hundreds, where it has a hundred thousand products), so a search near a
// point measures the distance to the shops here, in microseconds, and then
// filters and sorts products by shop id, instead of measuring it for every
// product in the index. The shops are also kept in cells of a grid of
// latitude and longitude, so that a search within a radius measures only the
// shops of the cells its radius reaches: a few of a city's thousands.
type shopTable struct {
	mu    sync.RWMutex
	m     map[string]shopEntry
	cells map[shopCell][]string // shop ids
}

type shopEntry struct {
	loc     mohalla.Location
	version int64
}

// shopCell is a cell of the grid: a square of cellDegrees of latitude and
// of longitude.
type shopCell struct{ lat, lng int32 }

// cellDegrees is the side of a cell: about 2.2 km of latitude.
const cellDegrees = 0.02

func cellOf(l mohalla.Location) shopCell {
	return shopCell{lat: int32(math.Floor(l.Lat / cellDegrees)), lng: int32(math.Floor(l.Lng / cellDegrees))}
}

// put records sh unless the table has a newer version of it.
func (t *shopTable) put(id string, loc mohalla.Location, version int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m, t.cells = map[string]shopEntry{}, map[shopCell][]string{}
	}
	old, ok := t.m[id]
	if ok && old.version > version {
		return
	}
	t.m[id] = shopEntry{loc: loc, version: version}
	if c := cellOf(loc); !ok || cellOf(old.loc) != c {
		if ok {
			oc := cellOf(old.loc)
			ids := slices.DeleteFunc(t.cells[oc], func(s string) bool { return s == id })
			if len(ids) == 0 {
				delete(t.cells, oc)
			} else {
				t.cells[oc] = ids
			}
		}
		t.cells[c] = append(t.cells[c], id)
	}
}

// within returns the distance in km from p of each shop within km of it, or
// of every shop when km is 0.
func (t *shopTable) within(p mohalla.Location, km float64) map[string]float64 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	lo, hi, ok := cellRange(p, km)
	if !ok || int64(hi.lat-lo.lat+1)*int64(hi.lng-lo.lng+1) > int64(len(t.cells)) {
		out := make(map[string]float64, len(t.m))
		for id, e := range t.m {
			if d := distanceKm(p, e.loc); km == 0 || d <= km {
				out[id] = d
			}
		}
		return out
	}
	n := 0 // the shops measured, most of them in range: the map is made once
	for la := lo.lat; la <= hi.lat; la++ {
		for ln := lo.lng; ln <= hi.lng; ln++ {
			n += len(t.cells[shopCell{la, ln}])
		}
	}
	out := make(map[string]float64, n)
	for la := lo.lat; la <= hi.lat; la++ {
		for ln := lo.lng; ln <= hi.lng; ln++ {
			for _, id := range t.cells[shopCell{la, ln}] {
				if d := distanceKm(p, t.m[id].loc); d <= km {
					out[id] = d
				}
			}
		}
	}
	return out
}

// cellRange returns the cells, from lo to hi, that hold every point within
// km of p, with a margin; ok is false if km is 0 or the radius reaches a pole
// or the antimeridian, where every shop is measured instead.
func cellRange(p mohalla.Location, km float64) (lo, hi shopCell, ok bool) {
	const r = 6371.0088 // as distanceKm
	if km <= 0 {
		return lo, hi, false
	}
	dLat := km / r * 180 / math.Pi * 1.01
	maxLat := math.Abs(p.Lat) + dLat
	if maxLat >= 89 || dLat >= 10 {
		return lo, hi, false
	}
	dLng := dLat / math.Cos(maxLat*math.Pi/180)
	if math.Abs(p.Lng)+dLng >= 180 {
		return lo, hi, false
	}
	lo = cellOf(mohalla.Location{Lat: p.Lat - dLat, Lng: p.Lng - dLng})
	hi = cellOf(mohalla.Location{Lat: p.Lat + dLat, Lng: p.Lng + dLng})
	return lo, hi, true
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

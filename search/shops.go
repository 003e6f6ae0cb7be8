package search

import (
	"context"
	"math"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/mohallamart/mohalla"
)

// ShopHit is one shop found.
type ShopHit struct {
	ID         string           `json:"id"`
	Name       string           `json:"name"`
	Location   mohalla.Location `json:"location"`
	Pincode    string           `json:"pincode"`
	Address    string           `json:"address,omitempty"`
	Version    int64            `json:"version"`
	DistanceKm float64          `json:"distanceKm"`
	Highlight  *Highlight       `json:"highlight,omitempty"`
}

// ShopResult is a page of shop hits, nearest first.
type ShopResult struct {
	Hits       []ShopHit `json:"hits"`
	Found      uint64    `json:"found"`
	NextCursor string    `json:"nextCursor,omitempty"`
}

const shopSort = "distance"

// Shops finds the shops within q.RadiusKm of q.Near whose names match q.Q (if
// given), nearest first. It returns EINVALID naming the parameter for a
// malformed query, and EUNAVAILABLE while the index is being built.
func (ix *Index) Shops(ctx context.Context, q ShopQuery) (ShopResult, error) {
	if err := q.validate(); err != nil {
		return ShopResult{}, err
	}
	geo, _ := bsearch.NewSortGeoDistance(fieldShopLoc, "km", q.Near.Lng, q.Near.Lat, false) // "km" is valid
	order := bsearch.SortOrder{geo, &bsearch.SortField{Field: fieldShopKey, Type: bsearch.SortFieldAsString}}
	c, err := decodeCursor(q.Cursor, shopSort, len(order))
	if err != nil {
		return ShopResult{}, err
	}
	var root query.Query = geoWithin(fieldShopLoc, q.Near, q.RadiusKm)
	ws := queryWords(q.Q)
	if len(ws) > 0 {
		b := query.NewBooleanQuery([]query.Query{textQuery(fieldShopName, ws, matching{typos: true})}, nil, nil)
		b.AddFilter(root)
		root = b
	}
	req := bleve.NewSearchRequestOptions(root, q.Limit+1, 0, false)
	req.Score = "none"
	req.Fields = []string{fieldSource}
	req.SortByCustom(order)
	if c.After != nil {
		if err := checkAfter(order, c.After); err != nil {
			return ShopResult{}, err
		}
		req.SetSearchAfter(c.After)
	}
	res, err := ix.alias.SearchInContext(ctx, req)
	if err != nil {
		return ShopResult{}, ix.searchErr(err)
	}
	out := ShopResult{Hits: make([]ShopHit, 0, min(len(res.Hits), q.Limit)), Found: res.Total}
	for i, h := range res.Hits {
		if i == q.Limit {
			out.NextCursor = encodeCursor(cursor{Sort: shopSort, After: res.Hits[i-1].DecodedSort})
			break
		}
		var src shopSource
		if err := hitSource(h.ID, h.Fields, &src); err != nil {
			return ShopResult{}, err
		}
		loc := mohalla.Location{Lat: src.Lat, Lng: src.Lng}
		out.Hits = append(out.Hits, ShopHit{ID: h.ID[len("s:"):], Name: src.Name, Location: loc, Pincode: src.Pincode,
			Address: src.Address, Version: src.Version, DistanceKm: math.Round(distanceKm(q.Near, loc)*1000) / 1000,
			Highlight: highlight(src.Name, ws, matching{typos: true})})
	}
	return out, nil
}

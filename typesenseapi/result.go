package typesenseapi

import (
	"math"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/search"
)

// SearchResult is the answer to a search, in Typesense's shape.
type SearchResult struct {
	Found         uint64        `json:"found"`
	OutOf         uint64        `json:"out_of"`
	Page          int           `json:"page"`
	SearchTimeMs  int64         `json:"search_time_ms"`
	Hits          []Hit         `json:"hits"`
	FacetCounts   []FacetCounts `json:"facet_counts"`
	RequestParams RequestParams `json:"request_params"`
}

// RequestParams repeats what was asked, as Typesense does.
type RequestParams struct {
	CollectionName string `json:"collection_name"`
	PerPage        int    `json:"per_page"`
	Q              string `json:"q"`
}

// Hit is one document found.
type Hit struct {
	// Document is a ProductDocument or a ShopDocument.
	Document   any                  `json:"document"`
	Highlights []Highlight          `json:"highlights"`
	Highlight  map[string]Highlight `json:"highlight"`
	// TextMatch is the relevance score, scaled to a whole number (higher is
	// better); 0 when not sorted by relevance or without words.
	TextMatch uint64 `json:"text_match"`
	// GeoDistanceMeters is the distance of the product's shop from the point
	// searched around, by field ("location").
	GeoDistanceMeters map[string]int64 `json:"geo_distance_meters,omitempty"`
}

// Highlight marks the words of a field that matched.
type Highlight struct {
	Field         string   `json:"field,omitempty"`
	Snippet       string   `json:"snippet"`
	MatchedTokens []string `json:"matched_tokens"`
}

// FacetCounts counts the values of one facet over all matches.
type FacetCounts struct {
	FieldName string       `json:"field_name"`
	Counts    []FacetCount `json:"counts"`
	Sampled   bool         `json:"sampled"`
}

// FacetCount is how many matches have one value.
type FacetCount struct {
	Value       string `json:"value"`
	Highlighted string `json:"highlighted"`
	Count       int    `json:"count"`
}

// ProductDocument is a product as the products collection holds it.
type ProductDocument struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Category string        `json:"category"`
	ShopID   string        `json:"shopId"`
	Price    mohalla.Money `json:"price"` // rupees
	Unit     string        `json:"unit,omitempty"`
	Stock    int64         `json:"stock"`
	Version  int64         `json:"version"`
}

// ShopDocument is a shop as the shops collection holds it; Location is
// [lat, lng], as Typesense's geopoints.
type ShopDocument struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Location [2]float64 `json:"location"`
	Pincode  string     `json:"pincode"`
	Address  string     `json:"address,omitempty"`
	Version  int64      `json:"version"`
}

// textMatchScale turns the index's relevance scores into whole numbers
// without merging scores that differ.
const textMatchScale = 1e6

func productHit(h search.ProductHit, highlight bool) Hit {
	out := Hit{Document: ProductDocument{ID: h.ID, Name: h.Name, Category: h.Category, ShopID: h.ShopID, Price: h.Price,
		Unit: h.Unit, Stock: h.Stock, Version: h.Version}, Highlights: []Highlight{}, Highlight: map[string]Highlight{},
		TextMatch: uint64(math.Round(h.Score * textMatchScale))}
	if h.DistanceKm != nil {
		out.GeoDistanceMeters = map[string]int64{"location": int64(math.Round(*h.DistanceKm * 1000))}
	}
	if highlight && h.Highlight != nil && len(h.Highlight.Words) > 0 {
		out.Highlights = []Highlight{{Field: "name", Snippet: h.Highlight.Name, MatchedTokens: h.Highlight.Words}}
		out.Highlight["name"] = Highlight{Snippet: h.Highlight.Name, MatchedTokens: h.Highlight.Words}
	}
	return out
}

func shopHit(h search.ShopHit, highlight bool) Hit {
	out := Hit{Document: ShopDocument{ID: h.ID, Name: h.Name, Location: [2]float64{h.Location.Lat, h.Location.Lng},
		Pincode: h.Pincode, Address: h.Address, Version: h.Version}, Highlights: []Highlight{}, Highlight: map[string]Highlight{},
		GeoDistanceMeters: map[string]int64{"location": int64(math.Round(h.DistanceKm * 1000))}}
	if highlight && h.Highlight != nil && len(h.Highlight.Words) > 0 {
		out.Highlights = []Highlight{{Field: "name", Snippet: h.Highlight.Name, MatchedTokens: h.Highlight.Words}}
		out.Highlight["name"] = Highlight{Snippet: h.Highlight.Name, MatchedTokens: h.Highlight.Words}
	}
	return out
}

// facetCounts lists the facets asked for in the order asked, each with at
// most n values.
func facetCounts(facets []string, got map[string][]search.FacetCount, n int) []FacetCounts {
	out := []FacetCounts{}
	for _, name := range facets {
		fc := FacetCounts{FieldName: name, Counts: []FacetCount{}}
		for _, c := range got[name][:min(n, len(got[name]))] {
			fc.Counts = append(fc.Counts, FacetCount{Value: c.Value, Highlighted: c.Value, Count: c.Count})
		}
		out = append(out, fc)
	}
	return out
}

package search_test

import (
	"net/url"
	"testing"

	"github.com/mohallamart/mohalla/search"
)

// FuzzParseQuery: any query string either fails with an error or gives a
// search within the limits the index relies on.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"q=apple", "q=appl&limit=5", "near=19.07,72.87&radiusKm=2&sort=distance",
		"minPrice=1e400", "minPrice=" + "9999999999999999999999999999999999999999", "maxPrice=1/2", "radiusKm=NaN",
		"near=NaN,NaN", "near=0x1p3,1", "limit=0", "limit=-1", "limit=101", "facets=category,shopId,zzz",
		"q=%00", "sort=distance", "inStock=maybe", "cursor=%ff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		if q, err := search.ParseProductQuery(v); err == nil {
			if q.Limit < 1 || q.Limit > search.MaxLimit || q.RadiusKm < 0 || q.RadiusKm > search.MaxRadiusKm ||
				(q.MinPrice != nil && *q.MinPrice < 0) || (q.MaxPrice != nil && *q.MaxPrice < 0) {
				t.Fatalf("ParseProductQuery(%q) = %+v", raw, q)
			}
		}
		if v.Get("near") == "" {
			v.Set("near", "19.07,72.87")
		}
		if q, err := search.ParseShopQuery(v); err == nil {
			if q.Limit < 1 || q.Limit > search.MaxLimit || !(q.RadiusKm > 0 && q.RadiusKm <= search.MaxRadiusKm) {
				t.Fatalf("ParseShopQuery(%q) = %+v", raw, q)
			}
		}
	})
}

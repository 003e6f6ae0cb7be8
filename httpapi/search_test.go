package httpapi_test

import "testing"

func TestSearch(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "anyone finds a product despite a typo", method: "GET", path: "/v1/search/products?q=aple",
			status: 200, contains: []string{`"id":"apple"`}, notContains: []string{`"id":"bread"`}},
		{name: "a prefix finds while typing", method: "GET", path: "/v1/search/products?q=fresh%20mi",
			status: 200, contains: []string{`"id":"milk"`}},
		{name: "a category filter keeps that category", method: "GET", path: "/v1/search/products?category=bakery",
			status: 200, contains: []string{`"id":"bread"`}, notContains: []string{`"id":"apple"`}},
		{name: "near me with facets", method: "GET", path: "/v1/search/products?near=19.07,72.87&radiusKm=2&facets=category",
			as: "alice", status: 200, contains: []string{`"id":"apple"`, `"distanceKm"`, `"fruits"`}},
		{name: "query syntax is data", method: "GET", path: "/v1/search/products?q=%22apple%22%20-milk%20*~:", status: 200},
		{name: "a radius over 50 km is named", method: "GET", path: "/v1/search/products?near=19.07,72.87&radiusKm=80",
			status: 422, contains: []string{`"field":"radiusKm"`}},
		{name: "an unknown sort is named", method: "GET", path: "/v1/search/products?sort=cheapest",
			status: 422, contains: []string{`"field":"sort"`}},
		{name: "a bad token is 401 on search", method: "GET", path: "/v1/search/products?q=apple",
			header: map[string]string{"Authorization": "Bearer nope"}, status: 401},
		{name: "shops near a point", method: "GET", path: "/v1/search/shops?near=19.07,72.87&radiusKm=1",
			status: 200, contains: []string{`"id":"shop-a"`, `"id":"shop-b"`}},
		{name: "shops need a point", method: "GET", path: "/v1/search/shops", status: 422, contains: []string{`"field":"near"`}},
		{name: "a bad token is 401 on shop search", method: "GET", path: "/v1/search/shops?near=19.07,72.87",
			header: map[string]string{"Authorization": "Bearer nope"}, status: 401},
	})
}

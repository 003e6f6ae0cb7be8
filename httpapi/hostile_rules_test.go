package httpapi_test

import (
	"strings"
	"testing"
)

// TestHostileRules: each rule of hostile input, once, as a caller meets it.
func TestHostileRules(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("9", 33)
	runScenarios(t, []scenario{
		{name: "null for a field is 422 naming it", method: "POST", path: "/v1/products/apple/stock", as: "olga",
			body: `{"delta":null}`, status: 422, contains: []string{`"field":"delta"`, "null"}},
		{name: "a number of 33 characters is 422 before it is parsed", method: "POST", path: "/v1/products/apple/stock", as: "olga",
			body: `{"delta":` + long + `}`, status: 422, contains: []string{`"field":"delta"`, "32 characters"}},
		{name: "an exponent is 422", method: "PATCH", path: "/v1/products/apple", as: "olga",
			body: `{"price":1e2}`, status: 422, contains: []string{`"field":"price"`, "exponent"}},
		{name: "location.lat is required", method: "POST", path: "/v1/shops", as: "olga",
			body: `{"name":"S","ownerId":"olga","location":{"lng":72.8},"pincode":"400050"}`, status: 422,
			contains: []string{`"field":"location.lat"`, "required"}},
		{name: "a NUL in a name is 422 naming it", method: "PATCH", path: "/v1/products/apple", as: "olga",
			body: `{"name":"a\u0000b"}`, status: 422, contains: []string{`"field":"name"`, "control"}},
		{name: "a line break in a name is 422", method: "PATCH", path: "/v1/products/apple", as: "olga",
			body: `{"name":"a\nb"}`, status: 422, contains: []string{`"field":"name"`, "control"}},
		{name: "a line break in a description is kept", method: "PATCH", path: "/v1/products/apple", as: "olga",
			body: `{"description":"line one\nline two\tend"}`, status: 200, contains: []string{`line one\nline two\tend`}},
		{name: "a NUL in free-form event data is 422", method: "POST", path: "/v1/events", as: "service",
			body: `{"name":"app/x","data":{"k":"\u0000"}}`, status: 422, contains: []string{`"field":"data.k"`}},
		{name: "an id in a path is checked before the store", method: "GET", path: "/v1/products/a%00b", status: 422,
			contains: []string{`"field":"id"`}},
		{name: "a control character in a query is 422 naming it", method: "GET", path: "/v1/products?category=a%0Ab", status: 422,
			contains: []string{`"field":"category"`, "control"}},
		{name: "an id in a query is checked", method: "GET", path: "/v1/products?shopId=a%20b", status: 422,
			contains: []string{`"field":"shopId"`}},
		{name: "limit=0 is 422", method: "GET", path: "/v1/shops?limit=0", status: 422, contains: []string{`"field":"limit"`}},
		{name: "limit=0 on orders is 422", method: "GET", path: "/v1/orders?limit=0", as: "alice", status: 422,
			contains: []string{`"field":"limit"`}},
		{name: "a minPrice of 40 digits is 422", method: "GET", path: "/v1/search/products?minPrice=" + strings.Repeat("1", 40),
			status: 422, contains: []string{`"field":"minPrice"`}},
		{name: "a radiusKm with an exponent is 422", method: "GET", path: "/v1/search/shops?near=19,72&radiusKm=1e1",
			status: 422, contains: []string{`"field":"radiusKm"`}},
		{name: "near in hex is 422", method: "GET", path: "/v1/search/shops?near=0x13,72", status: 422,
			contains: []string{`"field":"near"`}},
	})
}

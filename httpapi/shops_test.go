package httpapi_test

import "testing"

func TestShops(t *testing.T) {
	t.Parallel()
	loc := `"location":{"lat":19.1,"lng":72.9},"pincode":"400050"`
	runScenarios(t, []scenario{
		{name: "anonymous may not create a shop", method: "POST", path: "/v1/shops",
			body: `{"id":"shop-c","name":"C","ownerId":"olga",` + loc + `}`, status: 401},
		{name: "a shop owner creates a shop for herself", method: "POST", path: "/v1/shops", as: "olga",
			body:   `{"id":"shop-c","name":"Olga's Second Kirana","ownerId":"olga",` + loc + `,"address":"3 Hill Road"}`,
			status: 201, contains: []string{`"id":"shop-c"`, `"ownerId":"olga"`, `"lat":19.1`, `"address":"3 Hill Road"`}},
		{name: "a shop owner's shop without ownerId is her own", method: "POST", path: "/v1/shops", as: "olga",
			body: `{"id":"shop-d","name":"Olga's Third",` + loc + `}`, status: 201, contains: []string{`"ownerId":"olga"`}},
		{name: "a shop owner may not create a shop for another", method: "POST", path: "/v1/shops", as: "olga",
			body: `{"id":"shop-x","name":"X","ownerId":"oscar",` + loc + `}`, status: 403},
		{name: "a customer may not create a shop", method: "POST", path: "/v1/shops", as: "alice",
			body: `{"id":"shop-x","name":"X","ownerId":"alice",` + loc + `}`, status: 403},
		{name: "an admin creates a shop for an owner", method: "POST", path: "/v1/shops", as: "admin",
			body: `{"id":"shop-e","name":"E","ownerId":"oscar",` + loc + `}`, status: 201, contains: []string{`"ownerId":"oscar"`}},
		{name: "the same id with a different body is a conflict", method: "POST", path: "/v1/shops", as: "admin",
			body: `{"id":"shop-e","name":"E renamed","ownerId":"oscar",` + loc + `}`, status: 409},
		{name: "an owner who is no user is named", method: "POST", path: "/v1/shops", as: "admin",
			body: `{"id":"shop-x","name":"X","ownerId":"ghost",` + loc + `}`, status: 422, contains: []string{`"field":"ownerId"`}},
		{name: "a missing location is named", method: "POST", path: "/v1/shops", as: "olga",
			body: `{"name":"X","pincode":"400050"}`, status: 422, contains: []string{`"field":"location"`}},
		{name: "a bad pincode is named", method: "POST", path: "/v1/shops", as: "olga",
			body: `{"name":"X","location":{"lat":1,"lng":2},"pincode":"12"}`, status: 422, contains: []string{`"field":"pincode"`}},
		{name: "a latitude of the wrong type is named with its path", method: "POST", path: "/v1/shops", as: "olga",
			body: `{"name":"X","location":{"lat":"north","lng":2},"pincode":"400050"}`, status: 422, contains: []string{`"field":"location.lat"`}},
		{name: "anyone reads a shop", method: "GET", path: "/v1/shops/shop-a",
			status: 200, contains: []string{`"id":"shop-a"`, `"ownerId":"olga"`, `"lat":19.07`}},
		{name: "a customer reads a shop", method: "GET", path: "/v1/shops/shop-b", as: "alice", status: 200},
		{name: "a bad token is 401 even where anyone may read", method: "GET", path: "/v1/shops/shop-a",
			header: map[string]string{"Authorization": "Bearer not.a.jwt"}, status: 401, notContains: []string{"Kirana"}},
		{name: "an unknown shop is not found", method: "GET", path: "/v1/shops/nope", status: 404, contains: []string{"nope"}},
		{name: "anyone lists shops", method: "GET", path: "/v1/shops",
			status: 200, contains: []string{`"id":"shop-a"`, `"id":"shop-b"`, `"id":"shop-c"`}, notContains: []string{"nextCursor"}},
		{name: "a page of one has a next cursor", method: "GET", path: "/v1/shops?limit=1",
			status: 200, contains: []string{`"id":"shop-a"`, `"nextCursor":"shop-a"`}, notContains: []string{`"id":"shop-b"`}},
		{name: "the cursor continues after it", method: "GET", path: "/v1/shops?limit=1&cursor=shop-a",
			status: 200, contains: []string{`"id":"shop-b"`, `"nextCursor":"shop-b"`}, notContains: []string{`"id":"shop-a"`}},
		{name: "a non-numeric limit is named", method: "GET", path: "/v1/shops?limit=ten",
			status: 422, contains: []string{`"field":"limit"`}},
		{name: "a limit out of range is named", method: "GET", path: "/v1/shops?limit=501",
			status: 422, contains: []string{`"field":"limit"`}},
	})
}

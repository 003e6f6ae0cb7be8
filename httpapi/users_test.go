package httpapi_test

import "testing"

func TestUsers(t *testing.T) {
	t.Parallel()
	dave := `{"id":"dave","email":"dave@example.com","name":"Dave"}`
	runScenarios(t, []scenario{
		{name: "anonymous may not create a user", method: "POST", path: "/v1/users", body: dave,
			status: 401, contains: []string{`"code":"unauthenticated"`}, wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="mohalla"`}},
		{name: "a customer creates itself, its id from the token", method: "POST", path: "/v1/users", as: "carol",
			body:   `{"email":"carol@example.com","name":"Carol"}`,
			status: 201, contains: []string{`"id":"carol"`, `"email":"carol@example.com"`, `"version":1`}},
		{name: "a customer may not create someone else", method: "POST", path: "/v1/users", as: "bob",
			body: `{"id":"mallory","email":"mallory@example.com","name":"Mallory"}`, status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "a shop owner may not create someone else", method: "POST", path: "/v1/users", as: "olga",
			body: `{"id":"mallory","email":"mallory@example.com","name":"Mallory"}`, status: 403},
		{name: "an admin creates a user", method: "POST", path: "/v1/users", as: "admin", body: dave,
			status: 201, contains: []string{`"id":"dave"`, `"name":"Dave"`}},
		{name: "a service creates a user", method: "POST", path: "/v1/users", as: "service",
			body:   `{"id":"erin","email":"erin@example.com","name":"Erin","phone":"+91 98200 00000"}`,
			status: 201, contains: []string{`"id":"erin"`, `"phone":"+91 98200 00000"`}},
		{name: "repeating a create with the same id returns the first user", method: "POST", path: "/v1/users", as: "admin", body: dave,
			status: 201, contains: []string{`"id":"dave"`, `"version":1`},
			after: func(t *testing.T, e *env) { wantEvents(t, e, "user/created", "userId", "dave", 1) }},
		{name: "the same id with a different body is a conflict", method: "POST", path: "/v1/users", as: "admin",
			body:   `{"id":"dave","email":"dave2@example.com","name":"Dave"}`,
			status: 409, contains: []string{`"code":"conflict"`, "already used for a different request"}},
		{name: "an email already registered is a conflict naming the field", method: "POST", path: "/v1/users", as: "admin",
			body:   `{"id":"frank","email":"alice@example.com","name":"Frank"}`,
			status: 409, contains: []string{`"field":"email"`}},
		{name: "missing fields are each named", method: "POST", path: "/v1/users", as: "admin", body: `{}`,
			status: 422, contains: []string{`"code":"invalid"`, `"field":"email"`, `"field":"name"`}},
		{name: "an invalid email is named", method: "POST", path: "/v1/users", as: "admin",
			body: `{"email":"not-an-email","name":"X"}`, status: 422, contains: []string{`"field":"email"`}},
		{name: "an unknown field is named", method: "POST", path: "/v1/users", as: "admin",
			body: `{"email":"g@example.com","name":"G","nickname":"gg"}`, status: 422, contains: []string{`"field":"nickname"`}},
		{name: "a number where a string belongs is named", method: "POST", path: "/v1/users", as: "admin",
			body: `{"email":"g@example.com","name":5}`, status: 422, contains: []string{`"field":"name"`, "must be a string"}},
		{name: "a user reads itself", method: "GET", path: "/v1/users/alice", as: "alice",
			status: 200, contains: []string{`"id":"alice"`, `"email":"alice@example.com"`}},
		{name: "a customer may not read another", method: "GET", path: "/v1/users/alice", as: "bob",
			status: 403, notContains: []string{"alice@example.com"}},
		{name: "a shop owner may not read a customer", method: "GET", path: "/v1/users/alice", as: "olga", status: 403},
		{name: "anonymous may not read a user", method: "GET", path: "/v1/users/alice", status: 401},
		{name: "an admin reads anyone", method: "GET", path: "/v1/users/bob", as: "admin", status: 200, contains: []string{`"id":"bob"`}},
		{name: "a service reads anyone", method: "GET", path: "/v1/users/dave", as: "service", status: 200, contains: []string{`"id":"dave"`}},
		{name: "an unknown user is not found", method: "GET", path: "/v1/users/nobody", as: "admin",
			status: 404, contains: []string{`"code":"not_found"`, "nobody"}},
	})
}

package httpapi_test

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/auth"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/store/storetest"
)

func TestSystem(t *testing.T) {
	t.Parallel()
	other := must(auth.NewSigner([]byte("another-secret-0123456789abcdefg")))
	forged := must(other.Sign(mohalla.Caller{ID: "root", Role: mohalla.RoleAdmin}, time.Hour))
	expired := must(signer.Sign(mohalla.Caller{ID: "alice", Role: mohalla.RoleCustomer}, -time.Hour))
	bearer := func(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }
	runScenarios(t, []scenario{
		{name: "healthz is up", method: "GET", path: "/healthz", status: 200, contains: []string{`"status":"ok"`}},
		{name: "healthz ignores credentials", method: "GET", path: "/healthz", header: bearer("garbage"), status: 200},
		{name: "readyz finds the store", method: "GET", path: "/readyz", status: 200,
			contains: []string{`"status":"ok"`, `"parts":{"search":{"ready":true}}`}},
		{name: "the OpenAPI document", method: "GET", path: "/openapi.json",
			status: 200, contains: []string{`"openapi":"3.1.0"`, `"/v1/orders/{id}/status"`, `"operationId":"createOrder"`}},
		{name: "an unknown path is a problem 404", method: "GET", path: "/v1/nothing",
			status: 404, contains: []string{`"status":404`, `"title":"Not Found"`}},
		{name: "a wrong method is a problem 405 listing the allowed", method: "PUT", path: "/v1/orders", as: "admin", body: `{}`,
			status: 405, contains: []string{`"status":405`}, wantHeader: map[string]string{"Allow": "GET, HEAD, POST"}},
		{name: "a garbage token is 401 even where anyone may read", method: "GET", path: "/v1/shops", header: bearer("garbage"),
			status: 401, contains: []string{`"code":"unauthenticated"`, "invalid token"}, wantHeader: map[string]string{"WWW-Authenticate": `Bearer realm="mohalla"`}},
		{name: "a token signed with another secret is 401", method: "GET", path: "/v1/users/alice", header: bearer(forged), status: 401},
		{name: "an expired token is 401", method: "GET", path: "/v1/users/alice", header: bearer(expired), status: 401, contains: []string{"expired"}},
		{name: "another scheme is 401, saying where a token comes from", method: "GET", path: "/v1/products",
			header: map[string]string{"Authorization": "Basic YWRtaW46YWRtaW4="}, status: 401,
			contains: []string{"must be `Bearer TOKEN`", "`mohalla token --sub USER_ID --role ROLE`", "POST /v1/api-keys"}},
		{name: "an anonymous caller who must sign in is told how", method: "GET", path: "/v1/users/alice", status: 401,
			contains: []string{`"detail":"sign in to do this; send the header ` + "`Authorization: Bearer TOKEN`", "`mohalla token", "POST /v1/api-keys"}},
		{name: "an empty bearer is 401", method: "GET", path: "/v1/products/apple", header: map[string]string{"Authorization": "Bearer "}, status: 401},
		{name: "the scheme is case-insensitive", method: "GET", path: "/v1/users/alice", header: map[string]string{"Authorization": "bearer " + tokens["alice"]},
			status: 200, contains: []string{`"id":"alice"`}},
	})
}

// TestReadyzStoreDown closes the store under a running server: /readyz turns 503
// and /healthz stays 200.
func TestReadyzStoreDown(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind)
			e.store.Close()
			e.run(t, scenario{method: "GET", path: "/readyz", status: 503,
				contains: []string{`"code":"unavailable"`, "not reachable"}, notContains: []string{"closed"}})
			e.run(t, scenario{method: "GET", path: "/healthz", status: 200})
			e.run(t, scenario{method: "GET", path: "/v1/shops", status: 500,
				contains: []string{`"code":"internal"`, `"detail":"internal error"`}, notContains: []string{"closed", "sql"}})
		})
	}
}

// TestPanicIsInternal serves a request whose operation panics (a server without
// a market.Service): the caller gets a problem 500 that says nothing of the
// panic, and the log gets the panic.
func TestPanicIsInternal(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	srv := httptest.NewServer(httpapi.New(nil, signer, &httpapi.Config{Logger: slog.New(slog.NewTextHandler(&log, nil))}))
	defer srv.Close()
	e := &env{url: srv.URL}
	e.run(t, scenario{method: "GET", path: "/v1/shops/shop-a", status: 500,
		contains: []string{`"detail":"internal error"`}, notContains: []string{"panic", "nil pointer"}})
	if !strings.Contains(log.String(), "panic in getShop") {
		t.Errorf("the log lacks the panic: %s", log.String())
	}
}

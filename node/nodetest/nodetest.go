// Package nodetest runs a whole node for tests: a new SQLite store in a
// temporary directory, the node started on it, and its handler served over
// loopback HTTP.
//
// A test uses the node's parts (its services, its token signer) and reads it
// over HTTP:
//
//	func TestStorefront(t *testing.T) {
//		n, srv := nodetest.Serve(t) // or ServeConfig(t, node.Config{AllowPrivateWebhooks: true})
//		customer := mohalla.Caller{ID: "c1", Role: mohalla.RoleCustomer}
//		token, err := n.Signer.Sign(customer, time.Hour)
//		if err != nil {
//			t.Fatal(err)
//		}
//		resp, err := http.Get(srv.URL + "/storefront/?token=" + url.QueryEscape(token))
//		if err != nil {
//			t.Fatal(err)
//		}
//		defer resp.Body.Close()
//		if resp.StatusCode != http.StatusOK {
//			t.Fatalf("GET /storefront/: %s", resp.Status)
//		}
//	}
package nodetest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/mohallamart/mohalla/node"
)

// Serve opens, starts and serves a node; all of it stops when t ends.
func Serve(t testing.TB) (*node.Node, *httptest.Server) {
	t.Helper()
	return ServeConfig(t, node.Config{})
}

// ServeConfig is Serve with cfg; its DataDir is always a new temporary one.
func ServeConfig(t testing.TB, cfg node.Config) (*node.Node, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	cfg.DataDir = t.TempDir()
	n, err := node.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close(context.Background()) })
	if err := n.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(n.Handler)
	t.Cleanup(srv.Close)
	return n, srv
}

// Package nodetest runs a whole node for tests: a new SQLite store in a
// temporary directory, the node started on it, and its handler served over
// loopback HTTP.
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
	ctx := context.Background()
	n, err := node.Open(ctx, node.Config{DataDir: t.TempDir()})
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

package node_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla/node"
)

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// TestNodeLimitsWithRedisDown: a node whose Redis cannot be reached serves
// its requests under its own default budgets, and its metrics say that the
// limits fail open to this node.
func TestNodeLimitsWithRedisDown(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	ctx := context.Background()
	n, err := node.Open(ctx, node.Config{DataDir: t.TempDir(), RedisURL: "redis://" + addr + "/0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close(context.Background()) })
	if err := n.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(n.Handler)
	t.Cleanup(srv.Close)

	res, body := get(t, srv.URL+"/v1/shops")
	if res.StatusCode != 200 {
		t.Fatalf("GET /v1/shops: %d %s", res.StatusCode, body)
	}
	if got := res.Header.Get("RateLimit-Policy"); got != `"read";q=1200;w=60` {
		t.Errorf("RateLimit-Policy %q, want the default read budget", got)
	}
	_, metrics := get(t, srv.URL+"/metrics")
	for _, want := range []string{"mohalla_ratelimit_fail_open 1", "mohalla_ratelimit_allowed_total 1"} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(metrics, "mohalla_ratelimit_redis_errors_total 0\n") {
		t.Error("no Redis error counted")
	}
}

package node_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/node"
	"github.com/mohallamart/mohalla/store/storetest"
)

type readiness struct {
	Status     string `json:"status"`
	Components map[string]struct {
		Status    string  `json:"status"`
		LatencyMS float64 `json:"latencyMs"`
	} `json:"components"`
}

func readyz(t *testing.T, url string) (int, readiness) {
	t.Helper()
	resp, err := http.Get(url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r readiness
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, r
}

// TestReadyzReportsEachComponent: /readyz reports the store, the engine, the
// search follower and the cache, and Redis and SMTP when configured, each
// with its state; an optional service that is down makes the node degraded,
// still 200, since it serves without it.
func TestReadyzReportsEachComponent(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			scfg := storetest.NewConfig(t, kind)
			ctx := context.Background()
			open := func(cfg node.Config) string {
				cfg.DataDir, cfg.DatabaseURL, cfg.MaxConns = t.TempDir(), scfg.URL, scfg.MaxConns
				if kind == "sqlite" {
					cfg.DataDir = scfg.DataDir
				}
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
				return srv.URL
			}
			healthy := open(node.Config{})
			var r readiness
			var code int
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				if code, r = readyz(t, healthy); r.Status == "ok" || time.Now().After(deadline) {
					break
				}
			}
			if code != 200 || r.Status != "ok" {
				t.Fatalf("a healthy node: %d %+v, want 200 ok", code, r)
			}
			for _, c := range []string{"store", "engine", "search", "cache"} {
				if r.Components[c].Status != "ok" {
					t.Errorf("a healthy node's %s is %+v", c, r.Components[c])
				}
			}
			if _, ok := r.Components["redis"]; ok {
				t.Error("redis reported without being configured")
			}

			if kind == "sqlite" {
				return // one SQLite data directory serves one node
			}
			broken := open(node.Config{RedisURL: "redis://127.0.0.1:1", SMTPURL: "smtp://127.0.0.1:1"})
			code, r = readyz(t, broken)
			if code != 200 || r.Status != "degraded" {
				t.Errorf("a node whose Redis and SMTP are down: %d %+v, want 200 degraded", code, r)
			}
			for c, want := range map[string]string{"store": "ok", "redis": "down", "smtp": "down"} {
				if r.Components[c].Status != want {
					t.Errorf("%s is %+v, want %s", c, r.Components[c], want)
				}
			}
		})
	}
}

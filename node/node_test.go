package node_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/node"
	"github.com/mohallamart/mohalla/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropTemplates()
	os.Exit(code)
}

// A new node checks its sync health as soon as its index is ready, not at the
// monitor's first cron tick: GET /v1/sync/status shows a check at once. The
// cron here ticks once a year, so only the first check can be seen.
func TestFirstSyncCheckRunsAtStart(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			cfg := node.Config{DataDir: t.TempDir(), SyncSchedule: "0 0 1 1 *"}
			if kind == "postgres" {
				cfg.DatabaseURL, cfg.MaxConns = storetest.NewDatabase(t), storetest.MaxConns
			}
			n, err := node.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = n.Close(context.Background()) })
			admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
			if s, err := n.Sync.Status(ctx, admin); err != nil || len(s.Checks) != 0 {
				t.Fatalf("before Start: %d checks (%v), want none", len(s.Checks), err)
			}
			if err := n.Start(ctx); err != nil {
				t.Fatal(err)
			}
			// Waits for the condition; the deadline only bounds a failure.
			for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
				s, err := n.Sync.Status(ctx, admin)
				if err != nil {
					t.Fatal(err)
				}
				if len(s.Checks) > 0 {
					if c := s.Checks[0]; c.Drift {
						t.Errorf("the first check of an empty store found drift: %s", c.Findings)
					}
					if len(s.Checks) != 1 {
						t.Errorf("%d checks after start, want 1", len(s.Checks))
					}
					return
				}
				if time.Now().After(deadline) {
					t.Fatal("no sync check a minute after start")
				}
			}
		})
	}
}

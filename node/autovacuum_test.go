package node_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla/internal/testlog"
	"github.com/mohallamart/mohalla/node"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestOpenWarnsWithoutAutovacuum: a node on PostgreSQL logs a warning naming
// autovacuum when, and only when, the server has it off (this machine's
// has); on SQLite it never does.
func TestOpenWarnsWithoutAutovacuum(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			cfg := storetest.NewConfig(t, kind)
			if cfg.DataDir == "" {
				cfg.DataDir = t.TempDir()
			}
			var logs testlog.Buffer
			n, err := node.Open(ctx, node.Config{DataDir: cfg.DataDir, DatabaseURL: cfg.URL, MaxConns: cfg.MaxConns,
				Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))})
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close(ctx)
			off := false
			if pool := n.Store.Pool(); pool != nil {
				var setting string
				if err := pool.QueryRow(ctx, `SELECT current_setting('autovacuum')`).Scan(&setting); err != nil {
					t.Fatal(err)
				}
				off = setting == "off"
			}
			if warned := strings.Contains(logs.String(), "autovacuum is off"); warned != off {
				t.Errorf("autovacuum off: %v, warned: %v; logs: %s", off, warned, logs.String())
			}
		})
	}
}

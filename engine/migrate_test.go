package engine_test

import (
	"context"
	"sync"
	"testing"

	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestNodesStartingTogetherMigrateOnce opens four stores and engines at once on
// one new store, as nodes (or a seed beside a starting server) do: each
// migrates under the store's schema lock, so none fails on a table another
// has just made.
func TestNodesStartingTogetherMigrateOnce(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			cfg := storetest.NewConfig(t, kind)
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					ctx := context.Background()
					st, err := store.Open(ctx, cfg)
					if err != nil {
						t.Errorf("store: %v", err)
						return
					}
					defer st.Close()
					eng, err := engine.New(ctx, st, &engine.Config{})
					if err != nil {
						t.Errorf("engine: %v", err)
						return
					}
					_ = eng.Stop(ctx)
				})
			}
			wg.Wait()
		})
	}
}

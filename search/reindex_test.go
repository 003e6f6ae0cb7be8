package search_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestReindexWhileSearching rebuilds the index three times while shoppers
// search and owners write: no search fails or comes back empty, and afterwards
// the index holds every product at its stored version, in one generation.
func TestReindexWhileSearching(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			svc, n := seedDemo(t, st, &smallDemo)
			dir := t.TempDir()
			ix := openIndex(t, st, dir)
			running(t, ix)
			ctx := context.Background()

			stop := make(chan struct{})
			var searches atomic.Int64
			var wg sync.WaitGroup
			for range 3 {
				wg.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						res, err := ix.Products(ctx, search.ProductQuery{Facets: []string{search.FacetCategory}})
						if err != nil || res.Found < uint64(smallDemo.Products) {
							t.Errorf("search during reindex: found %d, %v", res.Found, err)
							return
						}
						if _, err := ix.Shops(ctx, search.ShopQuery{Near: n.Shops[0].Location, RadiusKm: 50}); err != nil {
							t.Errorf("shops during reindex: %v", err)
							return
						}
						searches.Add(1)
					}
				})
			}
			wg.Go(func() { write(t, svc, n.Shops[2].ID, 0, 45, time.Millisecond) })

			var reported atomic.Int64
			for range 3 {
				err := ix.Reindex(ctx, func(p search.Progress) {
					if p.Done <= 0 || p.Total != 0 && p.Done > p.Total {
						t.Errorf("progress %+v", p)
					}
					reported.Add(1)
				})
				if err != nil {
					t.Fatalf("reindex: %v", err)
				}
			}
			time.Sleep(20 * time.Millisecond)
			close(stop)
			wg.Wait()
			if err := ix.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			if searches.Load() < 10 || reported.Load() < 3 {
				t.Fatalf("%d searches ran and %d progress reports came during the reindexes", searches.Load(), reported.Load())
			}
			assertMirrors(t, st, ix)
			if gens := generations(t, dir); len(gens) != 1 {
				t.Fatalf("generations on disk: %v, want one", gens)
			}
		})
	}
}

func generations(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && strings.HasPrefix(e.Name(), "gen-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestDamagedIndexIsRebuilt damages the index on disk in several ways; each
// time a node opening it discards it and rebuilds it from the store.
func TestDamagedIndexIsRebuilt(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, "sqlite")
	seedDemo(t, st, &smallDemo)
	dir := t.TempDir()
	ix := openIndex(t, st, dir)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	current := func() string {
		b, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	for _, c := range []struct {
		name   string
		damage func()
	}{
		{"garbage in the root", func() {
			if err := os.WriteFile(filepath.Join(dir, current(), "store", "root.bolt"), []byte("not bolt"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"segments gone", func() {
			files, _ := filepath.Glob(filepath.Join(dir, current(), "store", "*.zap"))
			for _, f := range files {
				_ = os.Remove(f)
			}
			if len(files) == 0 {
				t.Fatal("no segment files to remove")
			}
		}},
		{"no such generation", func() {
			if err := os.WriteFile(filepath.Join(dir, "CURRENT"), []byte("gen-1\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"no CURRENT", func() {
			if err := os.Remove(filepath.Join(dir, "CURRENT")); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := current()
			c.damage()
			ix, err := search.NewIndex(st, &search.IndexConfig{Dir: dir})
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			defer ix.Close()
			if _, err := ix.Products(context.Background(), search.ProductQuery{}); mohalla.ErrorCode(err) != mohalla.EUNAVAILABLE {
				t.Fatalf("search on a discarded index: %v, want EUNAVAILABLE", err)
			}
			if err := ix.CatchUp(context.Background()); err != nil {
				t.Fatal(err)
			}
			if c, err := ix.Counts(context.Background()); err != nil || c.Products != uint64(smallDemo.Products) {
				t.Fatalf("rebuilt index counts %+v, %v", c, err)
			}
			if after := current(); after == before || len(generations(t, dir)) != 1 {
				t.Fatalf("generation %s -> %s, on disk %v: want one new generation", before, after, generations(t, dir))
			}
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestIndexInUseIsNotRebuilt: a second process opening an index that a node
// holds gets an error, and the index is left alone.
func TestIndexInUseIsNotRebuilt(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, "sqlite")
	seedDemo(t, st, &smallDemo)
	dir := t.TempDir()
	openIndex(t, st, dir)
	before := generations(t, dir)
	_, err := search.NewIndex(st, &search.IndexConfig{Dir: dir, OpenTimeout: 50 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("opening an index in use: %v, want an error saying so", err)
	}
	if after := generations(t, dir); len(after) != 1 || after[0] != before[0] {
		t.Fatalf("generations %v -> %v", before, after)
	}
}

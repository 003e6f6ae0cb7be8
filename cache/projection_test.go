package cache_test

import (
	"testing"
	"time"

	"github.com/mohallamart/mohalla/cache"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestProjectionInvalidatesMissedWrites commits writes whose invalidation never
// ran, as when the writer dies just after its commit: the projection on each
// node invalidates them from the log.
func TestProjectionInvalidatesMissedWrites(t *testing.T) {
	t.Parallel()
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) {
			t.Parallel()
			c := newCache(t, backend)
			st := storetest.Open(t, "postgres")
			w := newWorld(t, st, c)
			w.product(t, "p1", 10)
			proj := cache.NewProjection(st, c, nil)
			if err := proj.Start(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := w.svc.Product(ctx, "p1"); err != nil {
				t.Fatal(err)
			}
			crashed := market.New(st, nil) // commits, then "dies" before invalidating
			if _, err := crashed.ChangeStock(ctx, w.owner, "p1", market.ChangeStock{Delta: 3}); err != nil {
				t.Fatal(err)
			}
			if v := held(c, "p1"); v != 1 {
				t.Fatalf("the cache holds version %d; the test needs the stale version 1", v)
			}
			if err := proj.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			if v := held(c, "p1"); v != 0 {
				t.Fatalf("after the projection the cache still holds version %d", v)
			}
			if p, _ := w.svc.Product(ctx, "p1"); p.Stock != 13 {
				t.Fatalf("read stock %d, want 13", p.Stock)
			}
		})
	}
}

// TestProjectionResumesFromRedis: a node dies between commit and invalidation
// and no projection is running; the next node to start resumes from the
// position saved in Redis and invalidates what the dead one missed.
func TestProjectionResumesFromRedis(t *testing.T) {
	t.Parallel()
	prefix := newPrefix()
	st := storetest.Open(t, "sqlite")
	c1 := newRedis(t, redisURL, cache.RedisConfig{Prefix: prefix})
	w := newWorld(t, st, c1)
	w.product(t, "p1", 10)
	p1 := cache.NewProjection(st, c1, nil)
	if err := p1.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Product(ctx, "p1"); err != nil {
		t.Fatal(err)
	}
	crashed := market.New(st, nil)
	if _, err := crashed.ChangeStock(ctx, w.owner, "p1", market.ChangeStock{Delta: -4}); err != nil {
		t.Fatal(err)
	}

	c2 := newRedis(t, redisURL, cache.RedisConfig{Prefix: prefix}) // the next node
	if v := held(c2, "p1"); v != 1 {
		t.Fatalf("Redis holds version %d; the test needs the stale version 1", v)
	}
	p2 := cache.NewProjection(st, c2, nil)
	if err := p2.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if v := held(c2, "p1"); v != 0 {
		t.Fatalf("the new node's projection left version %d in Redis", v)
	}
	if p2.Position() != p1.Position() && !p1.Position().Less(p2.Position()) {
		t.Fatalf("the new projection is at %v, behind %v", p2.Position(), p1.Position())
	}
}

func TestWarmer(t *testing.T) {
	t.Parallel()
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			c := cache.NewMemory(nil)
			st := storetest.Open(t, kind)
			w := newWorld(t, st, nil) // writes without the cache, so only warming fills it
			for _, id := range []string{"a", "b", "c", "d"} {
				w.product(t, id, 100)
			}
			w.order(t, market.OrderLine{ProductID: "a", Quantity: 5}, market.OrderLine{ProductID: "b", Quantity: 1})
			w.order(t, market.OrderLine{ProductID: "b", Quantity: 1})
			w.order(t, market.OrderLine{ProductID: "c", Quantity: 1})
			if err := w.svc.DeleteProduct(ctx, w.owner, "c"); err != nil {
				t.Fatal(err)
			}
			n, err := cache.NewWarmer(st, c, &cache.WarmerConfig{Top: 10, Window: time.Hour}).Warm(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != 2 {
				t.Fatalf("warmed %d products, want 2 (a and b; c is discontinued, d never ordered)", n)
			}
			for id, want := range map[string]bool{"a": true, "b": true, "c": false, "d": false} {
				if got := held(c, id) > 0; got != want {
					t.Errorf("product %s cached = %v, want %v", id, got, want)
				}
			}
		})
	}
}

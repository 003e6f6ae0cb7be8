package search_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

var admin = mohalla.Caller{ID: "search-test-admin", Role: mohalla.RoleAdmin}

// smallDemo is a neighbourhood small enough to seed in every test.
var smallDemo = demo.Config{Users: 8, Shops: 3, Products: 40}

// running starts ix following the log until the test ends.
func running(t *testing.T, ix *search.Index) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ix.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run: %v", err)
		}
	})
}

// eventually waits up to 10s for ok, failing with what otherwise.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func hitIDs(t *testing.T, ix *search.Index, q search.ProductQuery) map[string]search.ProductHit {
	t.Helper()
	q.Limit = search.MaxLimit
	res, err := ix.Products(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	out := map[string]search.ProductHit{}
	for _, h := range res.Hits {
		out[h.ID] = h
	}
	return out
}

func newProduct(t *testing.T, svc *market.Service, shopID, name string, price mohalla.Money, stock int64) mohalla.Product {
	t.Helper()
	p, err := svc.CreateProduct(context.Background(), admin, market.CreateProduct{Name: name, Price: &price,
		Category: "snacks", ShopID: shopID, Stock: &stock})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return p
}

// TestProjectionFollowsWrites makes each kind of write and waits for the index
// to show it: new, renamed, repriced, sold out and discontinued products, and a
// new shop; and the sync monitor's counts and versions agree with the store.
func TestProjectionFollowsWrites(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			svc, n := seedDemo(t, st, &smallDemo)
			ix := openIndex(t, st, t.TempDir())
			running(t, ix)
			ctx := store.AsProjection(context.Background(), "test") // reads the store raw, as a projection
			shop := n.Shops[0].ID

			p := newProduct(t, svc, shop, "Zafrani Jalebi", 12000, 5)
			eventually(t, "the new product is found", func() bool { return len(hitIDs(t, ix, search.ProductQuery{Q: "jalebi"})) == 1 })

			name, price := "Kesari Jalebi", mohalla.Money(9900)
			if _, err := svc.UpdateProduct(ctx, admin, p.ID, market.UpdateProduct{Name: &name, Price: &price}); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the new name and price are found", func() bool {
				h, ok := hitIDs(t, ix, search.ProductQuery{Q: "kesari", MaxPrice: new(mohalla.Money(10000))})[p.ID]
				return ok && h.Price == price && len(hitIDs(t, ix, search.ProductQuery{Q: "zafrani"})) == 0
			})

			if _, err := svc.ChangeStock(ctx, admin, p.ID, market.ChangeStock{Delta: -5}); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the sold-out product leaves in-stock searches", func() bool {
				_, inStock := hitIDs(t, ix, search.ProductQuery{Q: "jalebi", InStock: true})[p.ID]
				h, listed := hitIDs(t, ix, search.ProductQuery{Q: "jalebi"})[p.ID]
				return !inStock && listed && h.Stock == 0
			})

			sh, err := svc.CreateShop(ctx, admin, market.CreateShop{Name: "Mithai Mahal", OwnerID: n.People[0].ID,
				Location: &mohalla.Location{Lat: 19.0700, Lng: 72.8400}, Pincode: "400054"})
			if err != nil {
				t.Fatal(err)
			}
			q := newProduct(t, svc, sh.ID, "Kaju Jalebi", 15000, 3)
			eventually(t, "the new shop is nearby and its product near it", func() bool {
				shops, err := ix.Shops(ctx, search.ShopQuery{Near: mohalla.Location{Lat: 19.0700, Lng: 72.8400}, RadiusKm: 1, Q: "mithai"})
				near := hitIDs(t, ix, search.ProductQuery{Q: "jalebi", Near: &sh.Location, RadiusKm: 0.5})
				_, ok := near[q.ID]
				return err == nil && len(shops.Hits) == 1 && shops.Hits[0].ID == sh.ID && ok && len(near) == 1
			})

			if err := svc.DeleteProduct(ctx, admin, p.ID); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the discontinued product is gone", func() bool {
				_, ok := hitIDs(t, ix, search.ProductQuery{Q: "jalebi"})[p.ID]
				v, err := ix.ProductVersion(ctx, p.ID)
				return !ok && err == nil && v == 0
			})

			// What the sync monitor compares.
			stored, err := st.Read().Product(ctx, q.ID)
			if err != nil {
				t.Fatal(err)
			}
			if v, err := ix.ProductVersion(ctx, q.ID); err != nil || v != stored.Version {
				t.Fatalf("indexed version %d, %v; stored %d", v, err, stored.Version)
			}
			c, err := ix.Counts(ctx)
			if err != nil || c.Products != uint64(len(n.Products)+1) || c.Shops != uint64(len(n.Shops)+1) {
				t.Fatalf("counts %+v, %v; want %d products and %d shops", c, err, len(n.Products)+1, len(n.Shops)+1)
			}
		})
	}
}

// TestIndexIsUnavailableUntilBuilt: a node whose index is still being built
// answers EUNAVAILABLE rather than an empty result.
func TestIndexIsUnavailableUntilBuilt(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t, "sqlite")
	seedDemo(t, st, &smallDemo)
	ix, err := search.NewIndex(st, &search.IndexConfig{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := store.AsProjection(context.Background(), "test") // reads the store raw, as a projection
	if _, err := ix.Products(ctx, search.ProductQuery{Q: "milk"}); mohalla.ErrorCode(err) != mohalla.EUNAVAILABLE {
		t.Fatalf("search before the build: %v, want EUNAVAILABLE", err)
	}
	if _, err := ix.Counts(ctx); mohalla.ErrorCode(err) != mohalla.EUNAVAILABLE {
		t.Fatalf("counts before the build: %v, want EUNAVAILABLE", err)
	}
	if ix.Ready() {
		t.Fatal("ready before the build")
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if c, err := ix.Counts(ctx); err != nil || c.Products != uint64(smallDemo.Products) || !ix.Ready() {
		t.Fatalf("after the build: %+v, %v, ready %v", c, err, ix.Ready())
	}
}

func uniqueName(i int) string { return fmt.Sprintf("Testitem%05d Chikki", i) }

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

// A batch's new products, which the projection indexes from their
// product/created events rather than from their rows, are found as an index
// rebuilt from the rows finds them: the same hits, in the same order by
// newest and by price, with the same fields; and a product created and then
// changed before the projection reads either event ends as its row.
func TestCreatedFromEventsAsFromRows(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			st := storetest.Open(t, kind)
			svc, n := seedDemo(t, st, &smallDemo)
			ix := openIndex(t, st, t.TempDir())
			running(t, ix)
			ctx := store.AsProjection(context.Background(), "test")
			var ids []string
			for b := range 3 { // three transactions, so creation times differ between them
				var items []market.CreateProduct
				for i := range 30 {
					price, stock := mohalla.Money(1000+7*((i*13+b)%30)), int64((i+b)%4)
					id := fmt.Sprintf("ev-made-%d-%02d", b, i)
					ids = append(ids, id)
					items = append(items, market.CreateProduct{ID: id, Name: fmt.Sprintf("Gulkand Barfi %d %d", b, i),
						Description: "rose", Price: &price, Category: "sweets", Unit: "box", ShopID: n.Shops[i%len(n.Shops)].ID,
						Stock: &stock})
				}
				if _, err := svc.UpsertProducts(ctx, admin, market.ProductBatch{Items: items}); err != nil {
					t.Fatal(err)
				}
				time.Sleep(2 * time.Millisecond)
			}
			// Created and renamed at once: the projection may read both events together.
			price, stock := mohalla.Money(500), int64(1)
			p, err := svc.CreateProduct(ctx, admin, market.CreateProduct{Name: "Gulkand Peda", Price: &price,
				Category: "sweets", ShopID: n.Shops[0].ID, Stock: &stock})
			if err != nil {
				t.Fatal(err)
			}
			name := "Gulkand Laddoo"
			if _, err := svc.UpdateProduct(ctx, admin, p.ID, market.UpdateProduct{Name: &name}); err != nil {
				t.Fatal(err)
			}
			eventually(t, "the batches and the renamed product are found", func() bool {
				h, ok := hitIDs(t, ix, search.ProductQuery{Q: "laddoo"})[p.ID]
				return len(hitIDs(t, ix, search.ProductQuery{Q: "barfi"})) == len(ids) && ok && h.Version == 2
			})
			rebuilt := openIndex(t, st, t.TempDir()) // built from the rows
			for _, q := range []search.ProductQuery{{Q: "gulkand", Sort: search.SortNewest}, {Q: "barfi", Sort: search.SortPriceAsc},
				{Category: "sweets", Sort: search.SortNewest}, {Q: "gulkand", InStock: true}} {
				q.Limit = search.MaxLimit
				a, err := ix.Products(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				b, err := rebuilt.Products(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				if len(a.Hits) != len(b.Hits) || len(a.Hits) == 0 {
					t.Fatalf("%+v: %d hits followed, %d rebuilt", q, len(a.Hits), len(b.Hits))
				}
				for i := range a.Hits {
					x, y := a.Hits[i], b.Hits[i]
					x.Score, y.Score, x.Highlight, y.Highlight = 0, 0, nil, nil
					if fmt.Sprint(x) != fmt.Sprint(y) {
						t.Errorf("%+v hit %d: followed %+v, rebuilt %+v", q, i, x, y)
					}
				}
			}
		})
	}
}

package search

import (
	"context"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestStockChangeKeepsDocument: a change of stock alone keeps the product's
// document and is kept beside it (stock.go), yet searches, the sync monitor's
// versions and an index opened again show the row as it is; a product that
// sells out gets a new document (it leaves in-stock searches), and past the
// cap the values are folded into documents.
func TestStockChangeKeepsDocument(t *testing.T) {
	t.Parallel()
	ctx := store.AsProjection(context.Background(), "test")
	st := storetest.Open(t, "sqlite")
	svc := market.New(st, nil)
	n, err := demo.Seed(ctx, svc, &demo.Config{Users: 4, Shops: 1, Products: 6, Stock: 50})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ix := openCaughtUp(t, st, dir)
	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	change := func(id string, delta int64) mohalla.Product {
		t.Helper()
		p, err := svc.ChangeStock(ctx, admin, id, market.ChangeStock{Delta: delta})
		if err != nil {
			t.Fatalf("change the stock of %s: %v", id, err)
		}
		if err := ix.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// shows checks what searches and the sync monitor see of p.
	shows := func(ix *Index, p mohalla.Product, inStock bool) {
		t.Helper()
		var hit, stocked *ProductHit
		for _, q := range []ProductQuery{{Q: p.Name, Limit: MaxLimit}, {Q: p.Name, Limit: MaxLimit, InStock: true}} {
			res, err := ix.Products(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				if h.ID == p.ID {
					if q.InStock {
						stocked = &h
					} else {
						hit = &h
					}
				}
			}
		}
		if hit == nil || hit.Stock != p.Stock || hit.Version != p.Version {
			t.Fatalf("hit of %s: %+v, want stock %d version %d", p.ID, hit, p.Stock, p.Version)
		}
		if (stocked != nil) != inStock {
			t.Fatalf("%s in in-stock searches: %v, want %v", p.ID, stocked != nil, inStock)
		}
		vs, err := ix.ProductVersions(ctx, []string{p.ID})
		if err != nil || vs[p.ID] != p.Version {
			t.Fatalf("ProductVersions: %v, %v; want %d", vs, err, p.Version)
		}
		if v, err := ix.ProductVersion(ctx, p.ID); err != nil || v != p.Version {
			t.Fatalf("ProductVersion: %d, %v; want %d", v, err, p.Version)
		}
	}
	documentStock := func(ix *Index, id string) int64 {
		t.Helper()
		var src productSource
		if ok, err := source(ix.alias, productDocID(id), &src); err != nil || !ok {
			t.Fatalf("document of %s: %v, %v", id, ok, err)
		}
		return src.Stock
	}

	p0 := n.Products[0]
	p := change(p0.ID, -1)
	shows(ix, p, true)
	if got := documentStock(ix, p.ID); got != p0.Stock {
		t.Fatalf("the document was written again: stock %d, want the first %d", got, p0.Stock)
	}

	// Opened again, the index holds the value and knows which products have one.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix = openCaughtUp(t, st, dir)
	shows(ix, p, true)
	if !ix.cur.stocked[p.ID] {
		t.Fatalf("after opening again, the products with a stock value are %v, want %s among them", ix.cur.stocked, p.ID)
	}

	// Sold out: a new document, and no value.
	p = change(p.ID, -p.Stock)
	shows(ix, p, false)
	if got := documentStock(ix, p.ID); got != 0 || ix.cur.stocked[p.ID] {
		t.Fatalf("sold out: document stock %d, has a value %v; want a new document", got, ix.cur.stocked[p.ID])
	}

	// Past the cap, the next batch folds the values into documents.
	ix.stockCap = 2
	var changed []mohalla.Product
	for _, q := range n.Products[1:4] {
		changed = append(changed, change(q.ID, -1))
	}
	if len(ix.cur.stocked) != 0 {
		t.Fatalf("after a fold, products with a stock value: %v, want none", ix.cur.stocked)
	}
	for _, q := range changed {
		shows(ix, q, true)
		if got := documentStock(ix, q.ID); got != q.Stock {
			t.Fatalf("folded %s: document stock %d, want %d", q.ID, got, q.Stock)
		}
	}
}

// TestStockEventNeedsNoRow: a product whose only event in a batch changes its
// stock alone, from the version the index holds, gets the event's stock value,
// not its row's (here already two changes further); an edit, or an event from
// a version the index does not hold, is applied from the row.
func TestStockEventNeedsNoRow(t *testing.T) {
	t.Parallel()
	ctx := store.AsProjection(context.Background(), "test")
	st := storetest.Open(t, "sqlite")
	svc := market.New(st, nil)
	n, err := demo.Seed(ctx, svc, &demo.Config{Users: 4, Shops: 1, Products: 2, Stock: 50})
	if err != nil {
		t.Fatal(err)
	}
	ix := openCaughtUp(t, st, t.TempDir())
	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	from := ix.Position()
	p, err := st.Read().Product(ctx, n.Products[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	q, err := st.Read().Product(ctx, n.Products[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []int64{-1, -2, -3} {
		if _, err := svc.ChangeStock(ctx, admin, p.ID, market.ChangeStock{Delta: d}); err != nil {
			t.Fatal(err)
		}
	}
	name := "Renamed"
	if _, err := svc.UpdateProduct(ctx, admin, q.ID, market.UpdateProduct{Name: &name}); err != nil {
		t.Fatal(err)
	}
	events, err := st.Read().ReadEvents(ctx, from, "", 100)
	if err != nil || len(events) != 4 {
		t.Fatalf("events: %d, %v; want 4", len(events), err)
	}
	indexed := func(id string) productSource {
		t.Helper()
		srcs, err := ix.cur.productSources([]string{id})
		if err != nil {
			t.Fatal(err)
		}
		return srcs[id]
	}
	apply := func(events ...mohalla.Event) {
		t.Helper()
		ix.mu.Lock()
		defer ix.mu.Unlock()
		if err := ix.apply(ctx, ix.cur, events); err != nil {
			t.Fatal(err)
		}
	}
	apply(events[0])
	if got := indexed(p.ID); got.Stock != p.Stock-1 || got.Version != p.Version+1 {
		t.Fatalf("after the first stock change: stock %d version %d, want the event's %d and %d (the row has %d)",
			got.Stock, got.Version, p.Stock-1, p.Version+1, p.Stock-6)
	}
	// The third, from a version the index does not hold: the row.
	apply(events[2])
	if got := indexed(p.ID); got.Stock != p.Stock-6 || got.Version != p.Version+3 {
		t.Fatalf("after the third stock change: stock %d version %d, want the row's %d and %d", got.Stock, got.Version, p.Stock-6, p.Version+3)
	}
	apply(events[3])
	if got := indexed(q.ID); got.Name != name || got.Version != q.Version+1 {
		t.Fatalf("after an edit: name %q version %d, want %q and %d", got.Name, got.Version, name, q.Version+1)
	}
}

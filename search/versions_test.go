package search

import (
	"context"
	"testing"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store/storetest"
)

// TestOlderRowNeverReplacesNewer hands the projection a product row older than
// the one indexed, as a slow reader racing a reindex might: the document
// keeps the newer version. A newer row replaces it, and the same version again
// changes nothing.
func TestOlderRowNeverReplacesNewer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.Open(t, "sqlite")
	svc := market.New(st, nil)
	n, err := demo.Seed(ctx, svc, &demo.Config{Users: 4, Shops: 1, Products: 5})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndex(st, &IndexConfig{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	old := n.Products[0]
	old.Version = 1
	name := "Fresh Name"
	newer, err := svc.UpdateProduct(ctx, admin, old.ID, market.UpdateProduct{Name: &name})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	put := func(p mohalla.Product) {
		t.Helper()
		ix.mu.Lock()
		defer ix.mu.Unlock()
		w := &writer{ix: ix, g: ix.cur, b: ix.cur.idx.NewBatch()}
		indexed, err := w.g.productSources([]string{p.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.products([]string{p.ID}, []*mohalla.Product{&p}, indexed, nil); err != nil {
			t.Fatal(err)
		}
		if err := ix.cur.idx.Batch(w.b); err != nil {
			t.Fatal(err)
		}
	}
	indexed := func() (int64, string) {
		t.Helper()
		var src productSource
		if ok, err := source(ix.alias, productDocID(old.ID), &src); err != nil || !ok {
			t.Fatalf("document: %v, %v", ok, err)
		}
		return src.Version, src.Name
	}

	put(old)
	if v, got := indexed(); v != newer.Version || got != name {
		t.Fatalf("after an older row: version %d %q, want %d %q", v, got, newer.Version, name)
	}
	newest := newer
	newest.Version++
	newest.Name = "Newest Name"
	put(newest)
	if v, got := indexed(); v != newest.Version || got != newest.Name {
		t.Fatalf("after a newer row: version %d %q, want %d %q", v, got, newest.Version, newest.Name)
	}
	same := newest
	same.Name = "Same Version, Other Name"
	put(same)
	if _, got := indexed(); got != newest.Name {
		t.Fatalf("the same version replaced the document: %q", got)
	}
}

package search_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store"
)

// A node's search index beside its embedded SQLite store: the index follows
// the market's writes through the event log (CatchUp applies every event
// committed so far), then a search with a typo finds the product, with its
// matched word highlighted, and a category facet counts the matches.
func Example() {
	ctx := store.AsSystem(context.Background(), "example")
	dir, err := os.MkdirTemp("", "search-example")
	noErr(err)
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, store.Config{DataDir: dir})
	noErr(err)
	defer st.Close()
	svc := market.New(st, nil)
	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	must(svc.CreateUser(ctx, admin, market.CreateUser{ID: "ravi", Email: "ravi@example.com", Name: "Ravi"}))
	must(svc.CreateShop(ctx, admin, market.CreateShop{ID: "kirana", Name: "Ravi Kirana", OwnerID: "ravi",
		Location: &mohalla.Location{Lat: 12.97, Lng: 77.59}, Pincode: "560001"}))
	for _, p := range []struct{ id, name, category string }{
		{"rice", "Basmati Rice 1kg", "staples"}, {"dal", "Toor Dal 1kg", "staples"}, {"soap", "Neem Soap", "personal-care"},
	} {
		price, stock := mohalla.Money(9900), int64(10)
		must(svc.CreateProduct(ctx, admin, market.CreateProduct{ID: p.id, Name: p.name, Price: &price,
			Category: p.category, ShopID: "kirana", Stock: &stock}))
	}

	ix, err := search.NewIndex(st, &search.IndexConfig{Dir: filepath.Join(dir, "search")})
	noErr(err)
	defer ix.Close()
	noErr(ix.CatchUp(ctx))
	res, err := ix.Products(ctx, search.ProductQuery{Q: "basmtai", Facets: []string{search.FacetCategory}})
	noErr(err)
	fmt.Println("found", res.Found)
	for _, h := range res.Hits {
		fmt.Println(h.ID, h.Price, h.Highlight.Name)
	}
	all, err := ix.Products(ctx, search.ProductQuery{Facets: []string{search.FacetCategory}})
	noErr(err)
	for _, f := range all.Facets[search.FacetCategory] {
		fmt.Println(f.Value, f.Count)
	}
	// Output:
	// found 1
	// rice 99 <mark>Basmati</mark> Rice 1kg
	// staples 2
	// personal-care 1
}

func noErr(err error) {
	if err != nil {
		panic(err)
	}
}

func must[T any](v T, err error) T {
	noErr(err)
	return v
}

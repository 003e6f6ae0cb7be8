package typesenseapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/search"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/typesenseapi"
)

// Typesense's search route over a node's index, on the embedded SQLite store:
// a typesense-js client with a search-only key finds products priced under
// 100 rupees by a word with a typo, facets included; without a key it is
// refused as Typesense refuses it.
func Example() {
	ctx := store.AsSystem(context.Background(), "example")
	dir, err := os.MkdirTemp("", "typesenseapi-example")
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
	for i, name := range []string{"Basmati Rice 1kg", "Basmati Rice 5kg", "Toor Dal 1kg"} {
		price, stock := mohalla.Money(8000+20000*(i%2)), int64(10)
		must(svc.CreateProduct(ctx, admin, market.CreateProduct{ID: fmt.Sprint("p", i), Name: name, Price: &price,
			Category: "staples", ShopID: "kirana", Stock: &stock}))
	}
	ix, err := search.NewIndex(st, &search.IndexConfig{Dir: filepath.Join(dir, "search")})
	noErr(err)
	defer ix.Close()
	noErr(ix.CatchUp(ctx))
	key := must(svc.CreateAPIKey(ctx, admin, market.CreateAPIKey{Name: "storefront", Kind: market.KeySearch}))

	mux := http.NewServeMux()
	mux.Handle("GET /typesense/collections/{name}/documents/search", typesenseapi.New(ix, svc, nil).Search())
	for _, apiKey := range []string{key.Key, ""} {
		r := httptest.NewRequest("GET", "/typesense/collections/products/documents/search"+
			"?q=basmtai&query_by=name&filter_by=price:<100&facet_by=category", nil)
		r.Header.Set("X-TYPESENSE-API-KEY", apiKey)
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		var res struct {
			Found       uint64                                            `json:"found"`
			Hits        []struct{ Document typesenseapi.ProductDocument } `json:"hits"`
			FacetCounts []typesenseapi.FacetCounts                        `json:"facet_counts"`
			Message     string                                            `json:"message"`
		}
		noErr(json.Unmarshal(w.Body.Bytes(), &res))
		fmt.Println(strings.TrimSpace(fmt.Sprint(w.Code, " found ", res.Found, " ", res.Message)))
		for _, h := range res.Hits {
			fmt.Println(h.Document.ID, h.Document.Name, h.Document.Price)
		}
		for _, f := range res.FacetCounts {
			fmt.Println(f.FieldName, f.Counts[0].Value, f.Counts[0].Count)
		}
	}
	// Output:
	// 200 found 1
	// p0 Basmati Rice 1kg 80
	// category staples 1
	// 401 found 0 Forbidden - a valid `x-typesense-api-key` header must be sent.
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

package node_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/node"
	"github.com/mohallamart/mohalla/search"
)

// A whole serve process on the embedded SQLite store in a data directory: the
// node is opened and started, a shop owner adds a product through the HTTP
// API with a token the node signed, and, once the node's search index has
// caught up with the log, anyone finds it through the API's search.
func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "node-example")
	noErr(err)
	defer os.RemoveAll(dir)
	n, err := node.Open(ctx, node.Config{DataDir: dir})
	noErr(err)
	defer n.Close(ctx)
	noErr(n.Start(ctx))
	noErr(n.Search.WaitReady(ctx)) // the index is built from the store at start

	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	ravi := mohalla.Caller{ID: "ravi", Role: mohalla.RoleShopOwner}
	made := func(_ any, err error) { noErr(err) }
	made(n.Service.CreateUser(ctx, admin, market.CreateUser{ID: "ravi", Email: "ravi@example.com", Name: "Ravi"}))
	made(n.Service.CreateShop(ctx, admin, market.CreateShop{ID: "kirana", Name: "Ravi Kirana", OwnerID: "ravi",
		Location: &mohalla.Location{Lat: 12.97, Lng: 77.59}, Pincode: "560001"}))
	token, err := n.Signer.Sign(ravi, time.Hour)
	noErr(err)

	do := func(method, path, token, body string) string {
		r := httptest.NewRequest(method, path, strings.NewReader(body))
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Content-Type", "application/json")
		}
		w := httptest.NewRecorder()
		n.Handler.ServeHTTP(w, r)
		fmt.Println(method, path, w.Code)
		return w.Body.String()
	}
	do("POST", "/v1/products", token, `{"id":"rice","name":"Sona Masoori 1kg","price":65,"category":"staples","shopId":"kirana","stock":5}`)
	noErr(n.Search.CatchUp(ctx)) // the index follows the log; this waits for what is committed
	var res search.ProductResult
	noErr(json.Unmarshal([]byte(do("GET", "/v1/search/products?q=masoori", "", "")), &res))
	for _, h := range res.Hits {
		fmt.Println(h.ID, h.Name, h.Price, h.Stock)
	}
	// Output:
	// POST /v1/products 201
	// GET /v1/search/products?q=masoori 200
	// rice Sona Masoori 1kg 65 5
}

func noErr(err error) {
	if err != nil {
		panic(err)
	}
}

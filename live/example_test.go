package live_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/live"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/store"
)

// A screen following a product and its shop's list over Server-Sent Events,
// on the embedded SQLite store: the stream opens with the topics' current
// values (a snapshot), then a write to the product reaches it as a change,
// with the event that made it and the topics it touches.
func Example() {
	ctx := store.AsSystem(context.Background(), "example")
	dir, err := os.MkdirTemp("", "live-example")
	noErr(err)
	defer os.RemoveAll(dir)
	st, err := store.Open(ctx, store.Config{DataDir: dir})
	noErr(err)
	defer st.Close()
	svc := market.New(st, nil)
	made := func(_ any, err error) { noErr(err) }
	admin := mohalla.Caller{ID: "admin", Role: mohalla.RoleAdmin}
	made(svc.CreateUser(ctx, admin, market.CreateUser{ID: "ravi", Email: "ravi@example.com", Name: "Ravi"}))
	made(svc.CreateShop(ctx, admin, market.CreateShop{ID: "kirana", Name: "Ravi Kirana", OwnerID: "ravi",
		Location: &mohalla.Location{Lat: 12.97, Lng: 77.59}, Pincode: "560001"}))
	price, stock := mohalla.Money(6500), int64(10)
	made(svc.CreateProduct(ctx, admin, market.CreateProduct{ID: "rice", Name: "Sona Masoori 1kg", Price: &price,
		Category: "staples", ShopID: "kirana", Stock: &stock}))

	hub := live.NewHub(st, svc, nil)
	noErr(hub.Start(ctx))
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error) // the hub follows the log until stopped
	go func() { ran <- hub.Run(runCtx) }()
	defer func() { stop(); <-ran }()
	srv := httptest.NewServer(hub.Handler(live.HandlerConfig{})) // anyone may follow a product
	defer srv.Close()

	req, err := http.NewRequestWithContext(runCtx, "GET", srv.URL+"/v1/live?topics=product:rice,shop:kirana:products", nil)
	noErr(err)
	resp, err := http.DefaultClient.Do(req)
	noErr(err)
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	next := func() (event, data string) { // the next message's event and data
		for lines.Scan() {
			k, v, _ := strings.Cut(lines.Text(), ": ")
			switch {
			case k == "event":
				event = v
			case k == "data":
				data = v
			case k == "" && event != "":
				return event, data
			}
		}
		panic(lines.Err())
	}
	event, data := next()
	var snap struct {
		Values struct {
			Rice []mohalla.Product `json:"shop:kirana:products"`
		}
	}
	noErr(json.Unmarshal([]byte(data), &snap))
	fmt.Println(event, snap.Values.Rice[0].ID, "stock", snap.Values.Rice[0].Stock)

	made(svc.ChangeStock(ctx, admin, "rice", market.ChangeStock{Delta: -3}))
	event, data = next()
	var c struct {
		Topics []string
		Event  struct {
			Name string
			Data struct {
				Changes map[string]struct{ Old, New int64 }
			}
		}
	}
	noErr(json.Unmarshal([]byte(data), &c))
	fmt.Println(event, c.Event.Name, c.Topics, "stock", c.Event.Data.Changes["stock"].New)
	// Output:
	// snapshot rice stock 10
	// change product/updated [product:rice shop:kirana:products] stock 7
}

func noErr(err error) {
	if err != nil {
		panic(err)
	}
}

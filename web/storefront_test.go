package web_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/browsertest"
	"github.com/mohallamart/mohalla/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/node/nodetest"
)

// TestStorefront runs the page in headless Chromium against a serving node:
// a customer searches, sees a stock change live, orders, and sees the shop
// confirm the order; the store holds the order as the page placed it.
func TestStorefront(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n, srv := nodetest.Serve(t)
	hood, err := demo.Seed(ctx, n.Service, &demo.Config{Users: 8, Shops: 3, Products: 40})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Search.CatchUp(ctx); err != nil { // the seeded products are searchable
		t.Fatal(err)
	}
	customer := hood.Customers()[0]
	token, err := n.Signer.Sign(customer.Caller(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var p mohalla.Product
	for _, c := range hood.Products {
		if c.Stock > 1 {
			p = c
			break
		}
	}
	page := browsertest.New(t)
	if err := chromedp.Do(page, chromedp.Navigate(srv.URL+"/storefront/?"+
		url.Values{"token": {token}, "q": {p.Name}}.Encode())); err != nil {
		t.Fatal(err)
	}
	var shopName string
	for _, sh := range hood.Shops {
		if sh.ID == p.ShopID {
			shopName = sh.Name
		}
	}
	row := "#product-" + p.ID
	stock := func(n int64) string {
		return fmt.Sprintf(`document.querySelector(%q).textContent === "%d in stock"`, row+" .stock", n)
	}
	browsertest.WaitFor(t, page, "the token gone from the address, the words kept",
		`!location.search.includes("token") && new URLSearchParams(location.search).has("q")`)
	browsertest.WaitFor(t, page, "the product among the results with its shop's name, followed live",
		fmt.Sprintf(`document.querySelector(%q)?.textContent === %q && document.getElementById("live").textContent === "live"`,
			row+" .shop", shopName)+" && "+stock(p.Stock))

	if _, err := n.Service.ChangeStock(ctx, admin, p.ID, market.ChangeStock{Delta: 5}); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitFor(t, page, "the restock on the page", stock(p.Stock+5))

	if err := chromedp.Do(page, chromedp.Click(row+" button")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitFor(t, page, "the order, pending, and the stock it took",
		`document.querySelector("#orders li .status")?.textContent === "pending" && `+stock(p.Stock+4))
	id, err := chromedp.Run(page, chromedp.Evaluate[string](`document.querySelector("#orders li").id.slice("order-".length)`))
	if err != nil {
		t.Fatal(err)
	}
	o, err := n.Service.Order(ctx, admin, id)
	if err != nil {
		t.Fatalf("the order the page shows: %v", err)
	}
	if o.UserID != customer.ID || len(o.Items) != 1 || o.Items[0].ProductID != p.ID || o.Items[0].Quantity != 1 {
		t.Errorf("the store's order %+v; want one %s for %s", o, p.ID, customer.ID)
	}
	if _, err := n.Service.ChangeOrderStatus(ctx, admin, id, market.ChangeOrderStatus{Status: mohalla.StatusConfirmed}); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitFor(t, page, "the confirmation on the page", `document.querySelector("#orders li .status").textContent === "confirmed"`)
}

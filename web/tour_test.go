package web_test

import (
	"bytes"
	"context"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/browsertest"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/metrics"
	"github.com/mohallamart/mohalla/node"
	"github.com/mohallamart/mohalla/node/nodetest"
	"github.com/mohallamart/mohalla/web/webtest"
)

var update = flag.Bool("update", false, "TestTour: take the tour's screenshots again, into docs/tour")

// tourStop is one screenshot of the README's tour: a page on a screen, seen
// by one of the demo's accounts (or no one), once ready is true after do.
type tourStop struct {
	file   string // in docs/tour
	screen webtest.Screen
	path   string
	as     mohalla.Role // a demo account's role; "" for no one
	do     string       // a script to run first (choices a person would make), or ""
	ready  string       // a script that is true once the page is worth a picture
}

var phone, desktop = webtest.Screens[0], webtest.Screens[1]

// tour is the README's tour, in its order. A page's stops belong beside it.
var tour = []tourStop{
	{file: "landing.png", screen: desktop, path: "/",
		ready: `document.querySelectorAll("#accounts button").length === 3 && document.querySelector("#component-store .badge") !== null`},
	{file: "storefront-phone.png", screen: phone, path: "/storefront/", as: mohalla.RoleCustomer,
		ready: `document.querySelectorAll("#results .group").length > 3 && document.getElementById("live").textContent === "live"`},
	{file: "storefront.png", screen: desktop, path: "/storefront/", as: mohalla.RoleCustomer,
		do: `(async () => {
			for (let i = 0; i < 100 && document.querySelectorAll("#localities option").length === 0; i++) await new Promise((r) => setTimeout(r, 50));
			const place = document.getElementById("place");
			place.value = document.querySelector("#localities option").value;
			place.dispatchEvent(new Event("change"));
			for (let i = 0; i < 100 && !document.querySelector("#results .offer .best"); i++) await new Promise((r) => setTimeout(r, 50));
			await new Promise((r) => setTimeout(r, 500));
			const adds = document.querySelectorAll("#results .offer .add:not(:disabled)");
			adds[0].click(); adds[0].click(); adds[2].click();
			const open = [...document.querySelectorAll("#results .group")].find((g) => g.querySelectorAll(".offer").length > 1);
			if (open) open.querySelector(".open").click();
			return true;
		})()`,
		ready: `document.getElementById("cart-count").textContent === "3" && document.getElementById("live").textContent === "live"`},
	{file: "shop.png", screen: desktop, path: "/shop/", as: mohalla.RoleShopOwner,
		ready: `document.querySelectorAll("#orders > li").length >= 3 && document.getElementById("live").textContent.includes("live")`},
	{file: "shop-phone.png", screen: phone, path: "/shop/", as: mohalla.RoleShopOwner,
		do:    `document.getElementById("t-inventory").click(), true`,
		ready: `document.querySelectorAll("#inventory tbody tr").length > 5`},
	{file: "dashboard.png", screen: desktop, path: "/dashboard/", as: mohalla.RoleAdmin,
		ready: `document.querySelectorAll("#rateChart svg path.line").length > 0 && document.querySelectorAll("#runsChart svg path.line").length > 0 &&
			document.querySelectorAll("#runs tbody tr[data-id]").length > 0 && document.getElementById("chartsNote").textContent.startsWith("5")`},
}

// TestTour checks that the README shows every screenshot of the tour and that
// each is in docs/tour. With -update (go test ./web -run Tour -update) it
// takes them again, from a node seeded with the demo neighbourhood.
func TestTour(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(file))
	dir := filepath.Join(root, "docs", "tour")
	if *update {
		takeTour(t, dir)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range tour {
		b, err := os.ReadFile(filepath.Join(dir, s.file))
		if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("docs/tour/%s is not a PNG (%v): go test ./web -run Tour -update", s.file, err)
		}
		if !bytes.Contains(readme, []byte("(docs/tour/"+s.file+")")) {
			t.Errorf("the README's tour does not show docs/tour/%s", s.file)
		}
	}
}

func takeTour(t *testing.T, dir string) {
	ctx := context.Background()
	n, srv := nodetest.ServeConfig(t, node.Config{History: metrics.HistoryConfig{Every: time.Second}}) // the dashboard's charts fill at once
	hood, err := demo.Seed(ctx, n.Service, &demo.Config{Users: 30, Shops: 8, Products: 400})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Search.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	pastOrders(t, n, hood)
	shopOrders(t, n, hood)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range tour {
		t.Run(strings.TrimSuffix(s.file, ".png"), func(t *testing.T) {
			page := webtest.Open(t, s.screen)
			target := srv.URL + s.path
			if s.as != "" {
				a, err := n.Service.DemoAccount(ctx, s.as)
				if err != nil {
					t.Fatal(err)
				}
				token, err := n.Signer.Sign(mohalla.Caller{ID: a.UserID, Role: a.Role}, time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				target += "?" + url.Values{"token": {token}}.Encode()
			}
			if err := chromedp.Do(page, chromedp.Navigate(target)); err != nil {
				t.Fatal(err)
			}
			if s.do != "" {
				if _, err := chromedp.Run(page, chromedp.Evaluate[bool](s.do, chromedp.EvalAwaitPromise)); err != nil {
					t.Fatal(err)
				}
			}
			browsertest.WaitFor(t, page, "the page ready for its picture", s.ready)
			time.Sleep(300 * time.Millisecond) // let the last frame paint
			if err := webtest.Shot(page, filepath.Join(dir, s.file), false); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// pastOrders gives the demo's customer orders in several states, so My
// orders and the shop's console have something to show.
func pastOrders(t *testing.T, n *node.Node, hood *demo.Neighbourhood) {
	ctx := context.Background()
	c := hood.Customers()[0]
	steps := [][]mohalla.OrderStatus{{mohalla.StatusConfirmed, mohalla.StatusPacked, mohalla.StatusOutForDelivery, mohalla.StatusDelivered},
		{mohalla.StatusConfirmed}, {}}
	var stocked []mohalla.Product
	for _, p := range hood.Products {
		if p.Stock > 5 {
			stocked = append(stocked, p)
		}
	}
	for i, moves := range steps {
		p := stocked[i*5]
		o, err := n.Service.CreateOrder(ctx, c.Caller(), market.CreateOrder{ID: "tour-order-" + string(rune('a'+i)), UserID: c.ID,
			Items: []market.OrderLine{{ProductID: p.ID, Quantity: int64(1 + i)}}, DeliveryAddress: c.Home})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range moves {
			if _, err := n.Service.ChangeOrderStatus(ctx, admin, o.ID, market.ChangeOrderStatus{Status: s}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// shopOrders gives the demo's shop owner's shop orders from a few customers,
// one confirmed, for the shop console's picture.
func shopOrders(t *testing.T, n *node.Node, hood *demo.Neighbourhood) {
	ctx := context.Background()
	owner, err := n.Service.DemoAccount(ctx, mohalla.RoleShopOwner)
	if err != nil {
		t.Fatal(err)
	}
	var shopID string
	for _, sh := range hood.Shops {
		if sh.OwnerID == owner.UserID {
			shopID = sh.ID
		}
	}
	var stocked []mohalla.Product
	for _, p := range hood.Products {
		if p.ShopID == shopID && p.Stock > 5 {
			stocked = append(stocked, p)
		}
	}
	for i, c := range hood.Customers()[1:4] {
		o, err := n.Service.CreateOrder(ctx, c.Caller(), market.CreateOrder{UserID: c.ID, DeliveryAddress: c.Home,
			Items: []market.OrderLine{{ProductID: stocked[i].ID, Quantity: 2}, {ProductID: stocked[i+3].ID, Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := n.Service.ChangeOrderStatus(ctx, admin, o.ID, market.ChangeOrderStatus{Status: mohalla.StatusConfirmed}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

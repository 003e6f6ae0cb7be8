package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/browsertest"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/node/nodetest"
	"github.com/mohallamart/mohalla/web/webtest"
)

// TestStorefront runs a customer's visit in headless Chromium against a
// serving node, on a phone and a laptop: past orders listed from the API;
// categories and a place (a locality on the phone, the browser's location on
// the laptop) to browse without typing, each product once with its nearest
// shop first, showing shop and distance; opening a product sends
// product/viewed; a restock shows live; a cart with a quantity; a checkout
// the server refuses shows its error next to the field and places nothing;
// corrected, it places one order, shown at the top of My orders and followed
// live to confirmed. No serious accessibility violation on the way.
func TestStorefront(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n, srv := nodetest.Serve(t)
	hood, err := demo.Seed(ctx, n.Service, &demo.Config{Users: 8, Shops: 4, Products: 60})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Search.CatchUp(ctx); err != nil { // the seeded products are searchable
		t.Fatal(err)
	}
	shopName := map[string]string{}
	for _, sh := range hood.Shops {
		shopName[sh.ID] = sh.Name
	}
	for i, screen := range webtest.Screens {
		t.Run(screen.Name, func(t *testing.T) {
			customer := hood.Customers()[i]
			token, err := n.Signer.Sign(customer.Caller(), time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			var p mohalla.Product // in stock, and its shop has another product
			for _, c := range hood.Products[i*7:] {
				if c.Stock > 3 {
					p = c
					break
				}
			}
			past, err := n.Service.CreateOrder(ctx, customer.Caller(), market.CreateOrder{ID: "past-" + customer.ID, UserID: customer.ID,
				Items: []market.OrderLine{{ProductID: p.ID, Quantity: 1}}, DeliveryAddress: customer.Home})
			if err != nil {
				t.Fatal(err)
			}
			page := webtest.Open(t, screen)
			if screen.Mobile {
				if err := chromedp.Do(page, chromedp.Navigate(srv.URL+"/storefront/?"+url.Values{"token": {token}}.Encode())); err != nil {
					t.Fatal(err)
				}
			} else { // the laptop shares its location: the first shop's
				lat, lng, accuracy := hood.Shops[0].Location.Lat, hood.Shops[0].Location.Lng, 10.0
				if _, err := chromedp.CallBrowser(page, browser.SetPermission, browser.SetPermissionParams{
					Permission: &browser.PermissionDescriptor{Name: "geolocation"}, Setting: browser.PermissionSettingGranted, Origin: srv.URL}); err != nil {
					t.Fatal(err)
				}
				if _, err := chromedp.Call(page, emulation.SetGeolocationOverride, emulation.SetGeolocationOverrideParams{
					Latitude: &lat, Longitude: &lng, Accuracy: &accuracy}); err != nil {
					t.Fatal(err)
				}
				if err := chromedp.Do(page, chromedp.Navigate(srv.URL+"/storefront/?"+url.Values{"token": {token}}.Encode())); err != nil {
					t.Fatal(err)
				}
			}
			browsertest.WaitFor(t, page, "the token gone from the address, categories, products, the past order, following live",
				`!location.search.includes("token") && document.querySelectorAll("#categories button").length > 2 &&
				 document.querySelectorAll("#results .group").length > 5 && document.getElementById("live").textContent === "live" &&
				 document.querySelector("#order-`+past.ID+` .status")?.dataset.status === "pending"`)
			webtest.CheckAccessibility(t, page, "the storefront as it opens")
			if screen.Mobile {
				webtest.CheckNarrow(t, page, screen)
				webtest.CheckKeyboard(t, page, 40, `document.querySelector("#results .offer .add")`)
			}

			// Near: a locality picked from the list, or the browser's location.
			place := `[...document.querySelectorAll("#localities option")].find((o) => o.textContent.includes("` + hood.Shops[0].Pincode + `")).value`
			if !screen.Mobile {
				place = `"here"`
			}
			browsertest.WaitFor(t, page, "the shops' localities", `document.querySelectorAll("#localities option").length > 0`)
			setValue(t, page, "#place", place)
			browsertest.WaitFor(t, page, "every product's offers nearest first, each with its shop and distance",
				`[...document.querySelectorAll("#results .group")].length > 5 && [...document.querySelectorAll("#results .group")].every((g) => {
					const d = [...g.querySelectorAll(".offer .meta")].map((m) => { const x = /([0-9.]+) (k?m)/.exec(m.textContent);
						return x ? Number(x[1]) * (x[2] === "km" ? 1000 : 1) : NaN; });
					return d.every((v, i) => !isNaN(v) && (i === 0 || d[i - 1] <= v)) && g.querySelector(".offer .shop").textContent !== "";
				}) && document.querySelector("#results .offer .best") !== null`)

			// A category, without typing.
			browsertest.Click(t, page, `document.querySelector('#categories button[data-category="`+p.Category+`"]')`)
			browsertest.WaitFor(t, page, "only "+p.Category+" and the product among them",
				fmt.Sprintf(`document.querySelector('#categories button[data-category=%q]').getAttribute("aria-pressed") === "true" &&
				 [...document.querySelectorAll("#results .group .sub")].every((s) => s.textContent.startsWith(%q)) &&
				 document.getElementById("offer-%s") !== null`, p.Category, strings.ToUpper(p.Category[:1])+p.Category[1:], p.ID))
			group := fmt.Sprintf(`document.getElementById("offer-%s").closest(".group")`, p.ID)
			browsertest.Click(t, page, group+`.querySelector(".open")`)
			browsertest.WaitFor(t, page, "the product opened with all its shops, and its view sent",
				group+`.querySelector(".open").getAttribute("aria-expanded") === "true" &&
				 [...`+group+`.querySelectorAll(".offer")].every((o) => !o.hidden) &&
				 performance.getEntriesByType("resource").some((e) => e.name.endsWith("/v1/events"))`)
			viewedBy(t, n.Service, customer.ID, p.ID)

			row := "#offer-" + p.ID
			if _, err := n.Service.ChangeStock(ctx, admin, p.ID, market.ChangeStock{Delta: 5}); err != nil {
				t.Fatal(err)
			}
			browsertest.WaitFor(t, page, "the restock on the page",
				fmt.Sprintf(`document.querySelector(%q).textContent === "%d in stock"`, row+" .stock", p.Stock-1+5))

			browsertest.Click(t, page, `document.querySelector("`+row+` .add")`)
			browsertest.Click(t, page, `document.querySelector("`+row+` .add")`)
			cart := "#cart-" + p.ShopID
			browsertest.WaitFor(t, page, "two of the product in its shop's cart",
				fmt.Sprintf(`document.getElementById("cart-count").textContent === "2" &&
				 document.querySelector('%s .line[data-product=%q] input').value === "2" &&
				 document.querySelector("%s h3").textContent === %q`, cart, p.ID, cart, shopName[p.ShopID]))

			home := customer.Home
			for id, v := range map[string]string{"street": home.Street, "city": home.City, "pincode": "40005", "state": home.State} {
				setValue(t, page, "#"+id, fmt.Sprintf("%q", v))
			}
			browsertest.Click(t, page, `document.querySelector("`+cart+` .place")`)
			browsertest.WaitFor(t, page, "the server's refusal next to the PIN code, the cart kept",
				`document.getElementById("pincode-error").textContent !== "" && document.getElementById("pincode").getAttribute("aria-invalid") === "true" &&
				 document.getElementById("street-error").textContent === "" && document.getElementById("cart-count").textContent === "2"`)
			if got := ordersOf(t, n.Service, customer.Caller()); got != 1 {
				t.Fatalf("the refused checkout left %d orders, want the 1 from before", got)
			}
			webtest.CheckAccessibility(t, page, "the storefront with a cart and an error")

			setValue(t, page, "#pincode", fmt.Sprintf("%q", home.Pincode))
			browsertest.Click(t, page, `document.querySelector("`+cart+` .place")`)
			browsertest.WaitFor(t, page, "the new order first in My orders, pending, the cart empty",
				`document.querySelector("#orders .order").classList.contains("fresh") &&
				 document.querySelector("#orders .order .status").dataset.status === "pending" &&
				 document.querySelectorAll("#orders .order").length === 2 && document.getElementById("cart-count").textContent === "0"`)
			id, err := chromedp.Run(page, chromedp.Evaluate[string](`document.querySelector("#orders .order").id.slice("order-".length)`))
			if err != nil {
				t.Fatal(err)
			}
			o, err := n.Service.Order(ctx, admin, id)
			if err != nil {
				t.Fatalf("the order the page shows: %v", err)
			}
			if o.UserID != customer.ID || len(o.Items) != 1 || o.Items[0].ProductID != p.ID || o.Items[0].Quantity != 2 || o.DeliveryAddress.Pincode != home.Pincode {
				t.Errorf("the store's order %+v; want two of %s for %s to %s", o, p.ID, customer.ID, home.Pincode)
			}
			if _, err := n.Service.ChangeOrderStatus(ctx, admin, id, market.ChangeOrderStatus{Status: mohalla.StatusConfirmed}); err != nil {
				t.Fatal(err)
			}
			browsertest.WaitFor(t, page, "the confirmation, live", `document.querySelector("#order-`+id+` .status").dataset.status === "confirmed"`)
			webtest.CheckAccessibility(t, page, "the storefront after an order")
		})
	}
}

// setValue sets the form control sel to the script value and tells the page,
// as a person choosing it would.
func setValue(t *testing.T, page context.Context, sel, value string) {
	t.Helper()
	browsertest.Click(t, page, `(() => { const el = document.querySelector(`+fmt.Sprintf("%q", sel)+`); el.value = `+value+`;
		el.dispatchEvent(new Event("input", {bubbles: true})); el.dispatchEvent(new Event("change", {bubbles: true}));
		return {click() {}}; })()`)
}

func ordersOf(t *testing.T, svc *market.Service, c mohalla.Caller) int {
	t.Helper()
	page, err := svc.ListOrders(context.Background(), c, market.OrderQuery{UserID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	return len(page.Items)
}

// viewedBy fails t unless the log holds a product/viewed of productID by
// userID, within a few seconds of the page sending it.
func viewedBy(t *testing.T, svc *market.Service, userID, productID string) {
	t.Helper()
	want := fmt.Sprintf(`"productId":%q`, productID)
	for range 50 {
		evs, err := svc.Events(context.Background(), admin, market.EventQuery{Name: "product/viewed", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if strings.Contains(string(ev.Data), want) && strings.Contains(string(ev.Data), fmt.Sprintf(`"userId":%q`, userID)) {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("no product/viewed of %s by %s in the log", productID, userID)
}

// TestStorefrontSignedOut: no one signed in still browses and fills a cart,
// and is told to sign in, beside the cart, when placing the order; nothing
// is placed, and My orders says how to see one's orders.
func TestStorefrontSignedOut(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n, srv := nodetest.Serve(t)
	if _, err := demo.Seed(ctx, n.Service, &demo.Config{Users: 4, Shops: 2, Products: 12}); err != nil {
		t.Fatal(err)
	}
	if err := n.Search.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	page := webtest.Open(t, webtest.Screens[0])
	if err := chromedp.Do(page, chromedp.Navigate(srv.URL+"/storefront/")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitFor(t, page, "products to browse, a way to sign in",
		`document.querySelectorAll("#results .offer .add:not(:disabled)").length > 0 &&
		 document.getElementById("orders-note").textContent.includes("Sign in") &&
		 document.querySelector(".site-header [data-session] a").getAttribute("href") === "/#signin"`)
	browsertest.Click(t, page, `document.querySelector("#results .offer .add:not(:disabled)")`)
	browsertest.Click(t, page, `document.querySelector("#carts .place")`)
	browsertest.WaitFor(t, page, "told to sign in beside the cart, which is kept",
		`document.querySelector("#carts .shop-problem").textContent.includes("Sign in") && document.getElementById("cart-count").textContent === "1"`)
	orders, err := n.Service.ListOrders(ctx, admin, market.OrderQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(orders.Items) != 0 {
		t.Errorf("a signed-out checkout placed %d orders", len(orders.Items))
	}
	webtest.CheckAccessibility(t, page, "the storefront signed out, with a cart")
}

package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/analytics"
	"github.com/mohallamart/mohalla/browsertest"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/engine/enginetype"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/node"
	"github.com/mohallamart/mohalla/node/nodetest"
	"github.com/mohallamart/mohalla/notify"
	"github.com/mohallamart/mohalla/web/webtest"
)

// TestShopConsole runs the shop console in headless Chromium, on a phone's
// screen and a desk's, as a shop owner: an order placed while the page is
// open appears at the top, is confirmed with one tap (then only "packed" and
// "cancel" are offered), another is cancelled with a reason; a stock change
// made elsewhere shows in the inventory at once, stock and price edited in
// the table reach the store, and an order's reservation shows at once; the day's sales are charted; the webhook is
// registered and its test delivery reaches the endpoint and says so.
func TestShopConsole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n, srv := nodetest.ServeConfig(t, node.Config{AllowPrivateWebhooks: true})
	hood, err := demo.Seed(ctx, n.Service, &demo.Config{Users: 8, Shops: 2, Products: 16})
	if err != nil {
		t.Fatal(err)
	}
	sh := hood.Shops[0]
	var owner demo.Person
	for _, p := range hood.People {
		if p.ID == sh.OwnerID {
			owner = p
		}
	}
	var goods, stocked []mohalla.Product // the shop's, and those enough in stock to order
	for _, p := range hood.Products {
		if p.ShopID == sh.ID {
			goods = append(goods, p)
			if p.Stock >= 3 {
				stocked = append(stocked, p)
			}
		}
	}
	if len(stocked) < 5 {
		t.Fatalf("the demo shop has %d products in stock, want 5", len(stocked))
	}
	ordered := 0
	customer := hood.Customers()[0]
	order := func(t *testing.T, p mohalla.Product) mohalla.Order {
		t.Helper()
		o, err := n.Service.CreateOrder(ctx, customer.Caller(), market.CreateOrder{UserID: customer.ID,
			Items: []market.OrderLine{{ProductID: p.ID, Quantity: 1}}, DeliveryAddress: customer.Home})
		if err != nil {
			t.Fatal(err)
		}
		ordered++
		return o
	}
	var hits atomic.Int32
	var lastBody atomic.Value
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		lastBody.Store(string(b))
		hits.Add(1)
	}))
	t.Cleanup(hook.Close)
	token, err := n.Signer.Sign(owner.Caller(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	for i, vp := range webtest.Screens {
		t.Run(vp.Name, func(t *testing.T) {
			before := order(t, stocked[2*i])
			page := openAt(t, vp, srv.URL+"/shop/?token="+token)
			card := func(o mohalla.Order) string { return fmt.Sprintf(`document.querySelector('.order[data-id=%q]')`, o.ID) }
			browsertest.WaitFor(t, page, "the token out of the address, the shop's name and the order placed before",
				fmt.Sprintf(`!location.search.includes("token") && document.getElementById("shopTitle").textContent.includes(%q) && %s !== null`,
					sh.Name, card(before)))
			browsertest.WaitFor(t, page, "the live stream open", `document.getElementById("live").textContent.includes("live")`)

			fresh := order(t, stocked[2*i+1])
			browsertest.WaitFor(t, page, "the new order first, marked new, with confirm and cancel only",
				fmt.Sprintf(`document.querySelector("#orders > li").dataset.id === %q && %s.classList.contains("new") &&
					[...%s.querySelectorAll(".actions button")].map((b) => b.textContent).join("|") === "Confirm|Cancel…"`,
					fresh.ID, card(fresh), card(fresh)))
			browsertest.Click(t, page, card(fresh)+`.querySelector(".actions button.primary")`)
			browsertest.WaitFor(t, page, "the order confirmed, offering packed and cancel",
				fmt.Sprintf(`%s.dataset.status === "confirmed" && [...%s.querySelectorAll(".actions button")].map((b) => b.textContent).join("|") === "Mark packed|Cancel…"`,
					card(fresh), card(fresh)))
			if o, err := n.Service.Order(ctx, owner.Caller(), fresh.ID); err != nil || o.Status != mohalla.StatusConfirmed {
				t.Errorf("the store holds %+v (%v), want it confirmed", o, err)
			}

			browsertest.Click(t, page, card(before)+`.querySelector("button.danger")`)
			browsertest.WaitFor(t, page, "the reason asked", card(before)+`.querySelector(".reason input") === document.activeElement`)
			const why = "the milk van did not come"
			typeInto(t, page, card(before)+`.querySelector(".reason input")`, why)
			browsertest.Click(t, page, card(before)+`.querySelector(".reason button.danger")`)
			browsertest.WaitFor(t, page, "the order cancelled, with no moves left",
				card(before)+`.dataset.status === "cancelled" && !`+card(before)+`.querySelector(".actions")`)
			evs, err := n.Store.Read().ReadEvents(ctx, mohalla.Position{}, mohalla.EventOrderUpdated, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(fmt.Sprint(eventData(evs, before.ID)), why) {
				t.Errorf("order/updated of the cancelled order lacks its reason %q: %v", why, eventData(evs, before.ID))
			}
			browsertest.WaitFor(t, page, "the page within the screen's width", fitsWidth)
			webtest.CheckAccessibility(t, page, "the shop console's orders")
			webtest.CheckNarrow(t, page, vp)
			webtest.CheckKeyboard(t, page, 15, `document.querySelector("#orders .actions button")`)

			// Inventory: a change made elsewhere shows at once; edits reach the store.
			browsertest.Click(t, page, `document.getElementById("t-inventory")`)
			p := stocked[len(stocked)-1-i]
			row := fmt.Sprintf(`document.querySelector('#inventory tr[data-id=%q]')`, p.ID)
			browsertest.WaitFor(t, page, "every product of the shop in the table",
				fmt.Sprintf(`document.querySelectorAll("#inventory tbody tr").length === %d`, len(goods)))
			cur, err := n.Service.Product(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := n.Service.ChangeStock(ctx, owner.Caller(), p.ID, market.ChangeStock{Delta: -cur.Stock}); err != nil {
				t.Fatal(err)
			}
			browsertest.WaitFor(t, page, "the product out of stock, highlighted, and counted",
				row+`.classList.contains("out") && `+row+`.querySelector("td input").value === "0" &&
				document.getElementById("stockSummary").textContent.includes("out of stock")`)
			typeInto(t, page, row+`.querySelector("td input")`, "25")
			browsertest.WaitFor(t, page, "the stock edited back", row+`&& !`+row+`.classList.contains("out")`)
			waitProduct(t, n, p.ID, func(p mohalla.Product) bool { return p.Stock == 25 }, "stock 25")
			order(t, p) // an order elsewhere reserves one
			browsertest.WaitFor(t, page, "the order's reservation shown at once", row+`.querySelector("td input").value === "24"`)
			typeInto(t, page, row+`.querySelectorAll("td input")[1]`, "42.5")
			waitProduct(t, n, p.ID, func(p mohalla.Product) bool { return p.Price == 4250 }, "price ₹42.50")
			browsertest.WaitFor(t, page, "the page within the screen's width", fitsWidth)
			webtest.CheckAccessibility(t, page, "the shop console's inventory")

			// Analytics: the day's orders, once analytics has counted them.
			waitRuns(t, n, analytics.FnOrderCreated, ordered)
			browsertest.Click(t, page, `document.getElementById("t-analytics")`)
			browsertest.Click(t, page, `document.querySelector("#range button")`)
			browsertest.WaitFor(t, page, "revenue and orders charted, and the top products",
				`document.querySelectorAll("#revenueChart svg rect.bar").length > 0 &&
				 document.querySelectorAll("#ordersChart svg rect.bar").length > 0 &&
				 document.querySelectorAll("#topChart svg rect.bar").length > 0 &&
				 document.getElementById("totals").textContent.includes("Orders")`)
			webtest.CheckAccessibility(t, page, "the shop console's analytics")

			// Settings: register the webhook and test it.
			browsertest.Click(t, page, `document.getElementById("t-settings")`)
			typeInto(t, page, `document.getElementById("hookUrl")`, hook.URL+"/orders")
			typeInto(t, page, `document.getElementById("hookSecret")`, "a-secret-of-the-shop-123")
			browsertest.Click(t, page, `document.querySelector("#webhook button.primary")`)
			browsertest.WaitFor(t, page, "the webhook registered", `document.getElementById("hookState").textContent.startsWith("Registered")`)
			was := hits.Load()
			browsertest.Click(t, page, `document.getElementById("testHook")`)
			browsertest.WaitFor(t, page, "the test delivered, and listed among the notifications",
				`document.getElementById("testResult").textContent.startsWith("Delivered: your endpoint answered 200") &&
				 document.getElementById("notes").textContent.includes("Test delivery to")`)
			webtest.CheckAccessibility(t, page, "the shop console's settings")
			if hits.Load() <= was {
				t.Errorf("the endpoint got no test delivery")
			}
			var body notify.WebhookBody
			if err := json.Unmarshal([]byte(lastBody.Load().(string)), &body); err != nil || body.Type != notify.TestWebhookType {
				t.Errorf("the endpoint last got %v (%v), want a %s", lastBody.Load(), err, notify.TestWebhookType)
			}
		})
	}
}

// typeInto types value into the input expr names and sends change, as a
// person leaving the field does.
func typeInto(t *testing.T, page context.Context, expr, value string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = %s; e.focus(); e.value = %q; e.dispatchEvent(new Event("input", {bubbles: true}));
		e.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`, expr, value)
	if _, err := chromedp.Run(page, chromedp.Evaluate[bool](js)); err != nil {
		t.Fatalf("set %s to %q: %v", expr, value, err)
	}
}

func eventData(evs []mohalla.Event, orderID string) []string {
	var out []string
	for _, e := range evs {
		if strings.Contains(string(e.Data), orderID) {
			out = append(out, string(e.Data))
		}
	}
	return out
}

func waitProduct(t *testing.T, n *node.Node, id string, ok func(mohalla.Product) bool, what string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		p, err := n.Service.Product(context.Background(), id)
		if err == nil && ok(p) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("product %s never had %s: %+v (%v)", id, what, p, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitRuns waits for at least want completed runs of function fn.
func waitRuns(t *testing.T, n *node.Node, fn string, want int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		page, err := n.Engine.Runs(context.Background(), admin, engine.RunQuery{Function: fn, Status: enginetype.RunCompleted, Limit: 500})
		if err == nil && len(page.Items) >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d runs completed, want %d (%v)", fn, len(page.Items), want, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

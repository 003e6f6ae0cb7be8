package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/browsertest"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/node/nodetest"
	"github.com/mohallamart/mohalla/web/webtest"
)

// TestLandingOnADemoStore: the landing page shows the node's health and the
// way to every page, and on a demo store offers its three accounts; choosing
// the customer signs the tab in with a token the server minted for that
// customer, and points to the storefront. On a phone and a laptop, with no
// serious accessibility violation before or after.
func TestLandingOnADemoStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n, srv := nodetest.Serve(t)
	hood, err := demo.Seed(ctx, n.Service, &demo.Config{Users: 6, Shops: 2, Products: 10})
	if err != nil {
		t.Fatal(err)
	}
	customer := hood.Customers()[0]
	for _, screen := range webtest.Screens {
		t.Run(screen.Name, func(t *testing.T) {
			page := webtest.Open(t, screen)
			if err := chromedp.Do(page, chromedp.Navigate(srv.URL+"/")); err != nil {
				t.Fatal(err)
			}
			browsertest.WaitFor(t, page, "the node's health with its store, the pages, and the demo's three accounts",
				`document.querySelector("#component-store .badge")?.textContent === "ok" &&
				 ["healthy", "degraded"].includes(document.getElementById("status").textContent) &&
				 ["/storefront/", "/shop/", "/dashboard/", "/docs/", "/openapi.json"].every((h) =>
					document.querySelector('.tiles a[href="' + h + '"]')) &&
				 document.querySelectorAll("#accounts button").length === 3 && !document.getElementById("demo").hidden`)
			webtest.CheckAccessibility(t, page, "the landing page")
			if screen.Mobile {
				webtest.CheckNarrow(t, page, screen)
				webtest.CheckKeyboard(t, page, 20, `document.getElementById("demo-customer")`)
			}

			browsertest.Click(t, page, `document.getElementById("demo-customer")`)
			browsertest.WaitFor(t, page, "signed in as the demo's customer, pointed to the storefront",
				`document.getElementById("who").textContent === "`+customer.ID+` (customer)" &&
				 document.getElementById("next").getAttribute("href") === "/storefront/" &&
				 document.querySelector(".site-header [data-session]").textContent.includes("`+customer.ID+`")`)
			token, err := chromedp.Run(page, chromedp.Evaluate[string](`sessionStorage.getItem("mohalla.token")`))
			if err != nil {
				t.Fatal(err)
			}
			if c, err := n.Signer.Verify(token); err != nil || c.ID != customer.ID || c.Role != mohalla.RoleCustomer {
				t.Errorf("the tab's token is for %+v (%v), want the demo's customer %s", c, err, customer.ID)
			}
			webtest.CheckAccessibility(t, page, "the landing page, signed in")
		})
	}
}

// TestLandingElsewhere: a store that is not a demo store offers no account
// to sign in as; the token box refuses a token the server does not accept,
// saying so next to it, and keeps one it does.
func TestLandingElsewhere(t *testing.T) {
	t.Parallel()
	n, srv := nodetest.Serve(t)
	owner := mohalla.Caller{ID: "owner-1", Role: mohalla.RoleShopOwner}
	token, err := n.Signer.Sign(owner, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	page := webtest.Open(t, webtest.Screens[0])
	if err := chromedp.Do(page, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitFor(t, page, "the health checked, no demo accounts",
		`document.querySelector("#component-store .badge")?.textContent === "ok"`)
	time.Sleep(300 * time.Millisecond) // the accounts' answer has come by now, if any
	browsertest.WaitFor(t, page, "no demo accounts", `document.getElementById("demo").hidden && document.querySelectorAll("#accounts button").length === 0`)

	forged := token[:len(token)-4] + "AAAA"
	if err := chromedp.Do(page, chromedp.SendKeys("#token", forged)); err != nil {
		t.Fatal(err)
	}
	browsertest.Click(t, page, `document.querySelector("#token-form button")`)
	browsertest.WaitFor(t, page, "the forged token refused next to the box",
		`document.getElementById("token-problem").textContent.includes("does not accept") && document.getElementById("signed-in").hidden`)
	if _, err := chromedp.Run(page, chromedp.Evaluate[bool](`document.getElementById("token").value = "", true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(page, chromedp.SendKeys("#token", token)); err != nil {
		t.Fatal(err)
	}
	browsertest.Click(t, page, `document.querySelector("#token-form button")`)
	browsertest.WaitFor(t, page, "signed in as the shop owner, pointed to the console",
		`document.getElementById("who").textContent === "owner-1 (shop owner)" &&
		 document.getElementById("next").getAttribute("href") === "/shop/" && document.getElementById("token").value === ""`)
	webtest.CheckAccessibility(t, page, "the landing page, signed in with a token")
}

package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla/browsertest"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/market"
	"github.com/mohallamart/mohalla/node/nodetest"
)

// TestDashboardHistory: the page shows a product's history from the audit
// trail, oldest first: its creation, then a stock change by the admin with
// the stock before and after; an id that does not exist shows the 404.
func TestDashboardHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n, srv := nodetest.Serve(t)
	hood, err := demo.Seed(ctx, n.Service, &demo.Config{Users: 4, Shops: 1, Products: 3})
	if err != nil {
		t.Fatal(err)
	}
	p := hood.Products[0]
	if _, err := n.Service.ChangeStock(ctx, admin, p.ID, market.ChangeStock{Delta: 7, Reason: "delivery"}); err != nil {
		t.Fatal(err)
	}
	token, err := n.Signer.Sign(admin, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	page := browsertest.New(t)
	if err := chromedp.Do(page, chromedp.Navigate(srv.URL+"/dashboard/?token="+token)); err != nil {
		t.Fatal(err)
	}
	show := func(kind, id string) {
		t.Helper()
		if _, err := chromedp.Run(page, chromedp.Evaluate[bool](fmt.Sprintf(
			`document.getElementById("historyKind").value = %q, document.getElementById("historyId").value = %q, true`, kind, id))); err != nil {
			t.Fatal(err)
		}
		browsertest.Click(t, page, `document.getElementById("historyShow")`)
	}
	show("products", p.ID)
	browsertest.WaitFor(t, page, "the product's creation, then its stock change",
		fmt.Sprintf(`(() => { const r = [...document.querySelectorAll("#history tbody tr")];
			return r.length === 2 && r[0].cells[2].textContent === "product.create" &&
				r[1].cells[1].textContent.startsWith(%q) && r[1].cells[2].textContent === "product.stock" &&
				r[1].cells[3].textContent === '{"stock":%d}' && r[1].cells[4].textContent.includes('"stock":%d'); })()`,
			admin.ID, p.Stock, p.Stock+7))

	show("products", "no-such-product")
	browsertest.WaitFor(t, page, "the 404", `document.getElementById("historyProblem").textContent.startsWith("404") &&
		document.querySelectorAll("#history tbody tr").length === 0`)
}

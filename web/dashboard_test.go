package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla/alerts"
	"github.com/mohallamart/mohalla/browsertest"
	"github.com/mohallamart/mohalla/demo"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/node/nodetest"
	"github.com/mohallamart/mohalla/store"
)

// TestDashboard runs the page in headless Chromium against a serving node
// whose seed queued welcome emails: the page lists the functions and the
// runs, shows a run's steps, re-runs it (the engine then holds one more run
// of that function), runs a sync check that finds no drift, and shows the
// node's metrics and the alerts recorded.
func TestDashboard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n, srv := nodetest.Serve(t)
	hood, err := demo.Seed(ctx, n.Service, &demo.Config{Users: 8, Shops: 2, Products: 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Store.Write().RecordAlert(ctx, store.Alert{ID: "alert-1", Kind: alerts.FunctionFailed,
		Subject: "send-welcome-email", State: store.AlertFiring, Summary: "run r1 failed after 5 attempts: smtp down",
		At: time.Now()}); err != nil {
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
	const welcome = "send-welcome-email"
	completed := fmt.Sprintf(`[...document.querySelectorAll("#runs tbody tr")].filter((tr) =>
		tr.cells[1].textContent === %q && tr.cells[2].textContent === "completed")`, welcome)
	browsertest.WaitFor(t, page, "the functions and every welcome email's run, completed",
		fmt.Sprintf(`[...document.querySelectorAll("#functions tbody td")].some((td) => td.textContent === %q) &&
			%s.length === %d`, welcome, completed, len(hood.People)))
	runs := func() int {
		page, err := n.Engine.Runs(ctx, admin, engine.RunQuery{Function: welcome, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Items)
	}
	before := runs()

	browsertest.Click(t, page, completed+`[0]`)
	browsertest.WaitFor(t, page, "the run's steps", `!document.getElementById("run").hidden &&
		document.getElementById("runId").textContent.includes("completed") &&
		document.querySelectorAll("#steps tbody tr").length > 0`)
	browsertest.Click(t, page, `document.getElementById("rerun")`)
	browsertest.WaitFor(t, page, "the new run shown", `document.getElementById("runId").textContent !== "" &&
		document.querySelectorAll("#runs tbody tr").length === `+fmt.Sprint(len(hood.People)+1))
	if got := runs(); got != before+1 {
		t.Errorf("the engine holds %d runs of %s after a re-run, want %d", got, welcome, before+1)
	}

	browsertest.Click(t, page, `document.getElementById("check")`)
	browsertest.WaitFor(t, page, "a sync check with no drift, the latest events, and the metrics",
		`[...document.querySelectorAll("#checks tbody td")].some((td) => td.textContent === "no drift") &&
		 [...document.querySelectorAll("#events tbody td")].some((td) => td.textContent === "product/created") &&
		 document.getElementById("metrics").textContent.includes("mohalla_") &&
		 [...document.querySelectorAll("#alerts tbody td")].some((td) => td.textContent.includes("smtp down"))`)
}

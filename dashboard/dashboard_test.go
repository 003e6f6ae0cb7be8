package dashboard_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/browsertest"
	"github.com/mohallamart/mohalla/demo"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/node"
)

var admin = mohalla.Caller{ID: "dashboard-test", Role: mohalla.RoleAdmin}

// TestDashboard runs the page in headless Chromium against a serving node
// whose seed queued welcome emails: the page lists the functions and the
// runs, shows a run's steps, re-runs it (the engine then holds one more run
// of that function), runs a sync check that finds no drift, and shows the
// node's metrics.
func TestDashboard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n, err := node.Open(ctx, node.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close(context.Background()) })
	if err := n.Start(ctx); err != nil {
		t.Fatal(err)
	}
	hood, err := demo.Seed(ctx, n.Service, &demo.Config{Users: 8, Shops: 2, Products: 10})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(n.Handler)
	t.Cleanup(srv.Close)
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
	waitFor(t, page, "the functions and every welcome email's run, completed",
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

	click(t, page, completed+`[0]`)
	waitFor(t, page, "the run's steps", `!document.getElementById("run").hidden &&
		document.getElementById("runId").textContent.includes("completed") &&
		document.querySelectorAll("#steps tbody tr").length > 0`)
	click(t, page, `document.getElementById("rerun")`)
	waitFor(t, page, "the new run shown", `document.getElementById("runId").textContent !== "" &&
		document.querySelectorAll("#runs tbody tr").length === `+fmt.Sprint(len(hood.People)+1))
	if got := runs(); got != before+1 {
		t.Errorf("the engine holds %d runs of %s after a re-run, want %d", got, welcome, before+1)
	}

	click(t, page, `document.getElementById("check")`)
	waitFor(t, page, "a sync check with no drift, the latest events, and the metrics",
		`[...document.querySelectorAll("#checks tbody td")].some((td) => td.textContent === "no drift") &&
		 [...document.querySelectorAll("#events tbody td")].some((td) => td.textContent === "product/created") &&
		 document.getElementById("metrics").textContent.includes("mohalla_")`)
}

// click clicks the element expr evaluates to, in the page's own script, so that
// a table the page redraws meanwhile cannot move it from under the pointer.
func click(t *testing.T, page context.Context, expr string) {
	t.Helper()
	if _, err := chromedp.Run(page, chromedp.Evaluate[bool]("("+expr+").click(), true")); err != nil {
		t.Fatalf("click %s: %v", expr, err)
	}
}

// waitFor polls the page until expr is true, failing t with what the page
// shows after 15s.
func waitFor(t *testing.T, page context.Context, what, expr string) {
	t.Helper()
	_, err := chromedp.Run(page, chromedp.Poll[bool](expr,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(15*time.Second)))
	if err != nil {
		text, _ := chromedp.Run(page, chromedp.Evaluate[string](`document.body.innerText.slice(0, 3000)`))
		t.Fatalf("waiting for %s: %v\n(%s)\nthe page:\n%s", what, err, expr, text)
	}
}

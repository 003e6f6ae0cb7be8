package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla"
	"github.com/mohallamart/mohalla/alerts"
	"github.com/mohallamart/mohalla/browsertest"
	"github.com/mohallamart/mohalla/engine"
	"github.com/mohallamart/mohalla/internal/demo"
	"github.com/mohallamart/mohalla/metrics"
	"github.com/mohallamart/mohalla/node"
	"github.com/mohallamart/mohalla/node/nodetest"
	"github.com/mohallamart/mohalla/store"
	"github.com/mohallamart/mohalla/web/webtest"
)

// TestDashboard runs the operators' page in headless Chromium, on a phone's
// screen and a desk's, against a node whose seed queued 25 welcome emails:
// the token leaves the address and is never shown; the functions show their
// runs counted by status; the runs of one function come 20 to a page; a run
// shows its steps as a timeline and its JSON folded; a re-run adds one run;
// a sync check reads "No drift."; the charts of the node's metrics are drawn;
// the alert recorded is told in words.
func TestDashboard(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n, srv := nodetest.ServeConfig(t, node.Config{History: metrics.HistoryConfig{Every: 200 * time.Millisecond}})
	hood, err := demo.Seed(ctx, n.Service, &demo.Config{Users: 25, Shops: 2, Products: 10})
	if err != nil {
		t.Fatal(err)
	}
	const welcome = "send-welcome-email"
	waitRuns(t, n, welcome, len(hood.People))
	if _, err := n.Store.Write().RecordAlert(ctx, store.Alert{ID: "alert-1", Kind: alerts.FunctionFailed,
		Subject: welcome, State: store.AlertFiring, Summary: "run r1 failed after 5 attempts: smtp down",
		At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	token, err := n.Signer.Sign(admin, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	runs := func() int {
		page, err := n.Engine.Runs(ctx, admin, engine.RunQuery{Function: welcome, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		return len(page.Items)
	}

	for _, vp := range webtest.Screens {
		t.Run(vp.Name, func(t *testing.T) {
			page := openAt(t, vp, srv.URL+"/dashboard/?token="+token)
			browsertest.WaitFor(t, page, "signed in, the token out of the address and off the screen",
				fmt.Sprintf(`!location.search.includes("token") && !document.getElementById("app").hidden &&
					sessionStorage.getItem("mohalla.token") === %q && !document.body.innerText.includes(%q) &&
					![...document.querySelectorAll("input:not([type=hidden])")].some((i) => i.value.includes(%q))`,
					token, token[len(token)-16:], token[len(token)-16:]))
			fn := fmt.Sprintf(`document.querySelector('#functions tr[data-fn=%q]')`, welcome)
			browsertest.WaitFor(t, page, "the welcome emails counted by status", fmt.Sprintf(
				`%s && [...%s.querySelectorAll(".chip")].some((c) => c.textContent.endsWith(" completed") && parseInt(c.textContent) >= %d)`,
				fn, fn, len(hood.People)))

			browsertest.Click(t, page, fn+`.querySelector("button")`)
			rows := `[...document.querySelectorAll("#runs tbody tr[data-id]")]`
			browsertest.WaitFor(t, page, "a first page of 20 welcome runs, and an older one", rows+`.length === 20 && `+rows+
				fmt.Sprintf(`.every((tr) => tr.cells[1].textContent === %q) && !document.getElementById("next").disabled`, welcome))
			browsertest.Click(t, page, `document.getElementById("next")`)
			browsertest.WaitFor(t, page, "the second page", fmt.Sprintf(`document.getElementById("pageNo").textContent === "Page 2" && %s.length === %d`,
				rows, runs()-20))
			browsertest.Click(t, page, `document.getElementById("prev")`)
			browsertest.WaitFor(t, page, "back on the first page", `document.getElementById("pageNo").textContent === "Page 1" && `+rows+`.length === 20`)

			browsertest.Click(t, page, rows+`[0]`)
			browsertest.WaitFor(t, page, "the run's steps as a timeline, its JSON folded", `!document.getElementById("run").hidden &&
				document.getElementById("runId").textContent.includes("completed") &&
				document.querySelectorAll("#timeline .step .span").length > 0 &&
				document.querySelector("#runJson details.json") !== null`)
			before := runs()
			browsertest.Click(t, page, `document.getElementById("rerun")`)
			browsertest.WaitFor(t, page, "the new run shown", `!document.getElementById("runId").textContent.includes("completed") ||
				document.querySelector("#runs tr.selected") !== null`)
			deadline := time.Now().Add(15 * time.Second)
			for runs() != before+1 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			if got := runs(); got != before+1 {
				t.Errorf("the engine holds %d runs of %s after a re-run, want %d", got, welcome, before+1)
			}

			browsertest.Click(t, page, `document.getElementById("check")`)
			browsertest.WaitFor(t, page, "a sync check in words",
				`[...document.querySelectorAll("#checks li")].some((li) => li.textContent.endsWith("No drift."))`)
			browsertest.WaitFor(t, page, "the alert in words",
				`document.getElementById("alerts").textContent.includes("Firing run r1 failed after 5 attempts: smtp down")`)
			browsertest.WaitFor(t, page, "the events, their data folded", `document.querySelector("#events li details.json") !== null`)
			browsertest.WaitFor(t, page, "the charts drawn", `document.querySelectorAll("#runsChart svg path.line").length > 0 &&
				 document.querySelectorAll("#rateChart svg path.line").length > 0 &&
				 document.querySelectorAll("#p99Chart svg path.line").length > 0 &&
				 document.querySelectorAll("#cacheChart svg path.line").length > 0 &&
				 document.getElementById("health").textContent.startsWith("node ")`)
			browsertest.WaitFor(t, page, "the page within the screen's width", fitsWidth)
			webtest.CheckAccessibility(t, page, "the dashboard with a run open")
			webtest.CheckNarrow(t, page, vp)
			webtest.CheckKeyboard(t, page, 15, `document.getElementById("check")`)
		})
	}
}

// TestDashboardSignIn: a page opened without a token asks for one in a
// password field; a customer's token is told, in plain words, that the page
// is for operators and what to do; an admin's, typed in, signs in.
func TestDashboardSignIn(t *testing.T) {
	t.Parallel()
	n, srv := nodetest.Serve(t)
	customer, err := n.Signer.Sign(mohalla.Caller{ID: "c1", Role: mohalla.RoleCustomer}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	token, err := n.Signer.Sign(admin, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	page := openAt(t, webtest.Screens[0], srv.URL+"/dashboard/")
	browsertest.WaitFor(t, page, "the sign-in form, its field a password field", `!document.getElementById("signin").hidden &&
		document.getElementById("app").hidden && document.getElementById("tokenInput").type === "password"`)
	webtest.CheckAccessibility(t, page, "the dashboard's sign-in")
	signIn := func(tok string) {
		t.Helper()
		typeInto(t, page, `document.getElementById("tokenInput")`, tok)
		browsertest.Click(t, page, `document.querySelector("#signinForm button")`)
	}
	signIn(customer)
	browsertest.WaitFor(t, page, "a customer told what to do", `document.getElementById("problem").textContent.includes("This page is for operators") &&
		document.getElementById("problem").textContent.includes("--role admin") && !document.getElementById("signin").hidden`)
	signIn("not-a-token")
	browsertest.WaitFor(t, page, "a bad token told what to do", `document.getElementById("problem").textContent.startsWith("Your sign-in is not valid or has expired")`)
	signIn(token)
	browsertest.WaitFor(t, page, "signed in", `!document.getElementById("app").hidden && document.getElementById("who").textContent.includes("admin") &&
		document.getElementById("tokenInput").value === ""`)
	if _, err := chromedp.Run(page, chromedp.Evaluate[bool](`document.getElementById("signout").click(), true`)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitFor(t, page, "signed out", `!document.getElementById("signin").hidden && sessionStorage.getItem("mohalla.token") === null`)
}

package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla/browsertest"
	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/store/storetest"
)

// corsPage sends a customer's product view to the API of its query, as a
// storefront on another origin would, and records what its script could read.
const corsPage = `<!doctype html><meta charset="utf-8"><title>cors</title><script>
const q = new URLSearchParams(location.search);
fetch(q.get("api") + "/v1/events", {method: "POST",
  headers: {"Authorization": "Bearer " + q.get("token"), "Content-Type": "application/json"},
  body: JSON.stringify({name: "product/viewed", data: {productId: "apple"}})})
  .then(async (r) => { window.result = {status: r.status, body: await r.json(),
    rateLimit: r.headers.get("RateLimit"), requestId: r.headers.get("X-Request-Id")}; },
    (err) => { window.result = {error: String(err)}; });
</script>`

// TestCORSInBrowser: in Chromium, a page of an allowed origin posts with its
// bearer token (a preflighted request) and reads the answer and its
// headers; a page of another origin is kept from doing so.
func TestCORSInBrowser(t *testing.T) {
	t.Parallel()
	page := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(corsPage))
	}
	allowed := httptest.NewServer(http.HandlerFunc(page))
	t.Cleanup(allowed.Close)
	other := httptest.NewServer(http.HandlerFunc(page))
	t.Cleanup(other.Close)
	e := openEnv(t, storetest.Kinds[0], envOptions{configure: func(c *httpapi.Config) {
		c.CORSOrigins = []string{allowed.URL}
		c.Limits = &httpapi.Limits{Write: perHour("write", 10)}
	}})
	tab := browsertest.New(t)

	type result struct {
		Status    int             `json:"status"`
		Body      json.RawMessage `json:"body"`
		RateLimit string          `json:"rateLimit"`
		RequestID string          `json:"requestId"`
		Error     string          `json:"error"`
	}
	visit := func(origin string) result {
		t.Helper()
		if err := chromedp.Do(tab, chromedp.Navigate(origin+"/?api="+e.url+"&token="+tokens["alice"])); err != nil {
			t.Fatal(err)
		}
		r, err := browsertest.Poll[result](tab, `window.result`)
		if err != nil {
			t.Fatalf("the page of %s recorded nothing: %v", origin, err)
		}
		return r
	}

	r := visit(allowed.URL)
	if r.Status != 200 || r.RateLimit == "" || r.RequestID == "" || r.Error != "" {
		t.Errorf("from the allowed origin the page read %+v; want 200 with RateLimit and X-Request-Id", r)
	}
	wantEvents(t, e, "product/viewed", "userId", "alice", 1)

	if r := visit(other.URL); r.Error == "" {
		t.Errorf("from another origin the page read %+v; want the browser to refuse it", r)
	}
	wantEvents(t, e, "product/viewed", "userId", "alice", 1) // refused at the preflight: nothing sent
}

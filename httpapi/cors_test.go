package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mohallamart/mohalla/httpapi"
	"github.com/mohallamart/mohalla/store/storetest"
)

const appOrigin = "http://localhost:3000" // a Next.js dev server

// corsEnv is newEnv whose server lets appOrigin's browser apps call it, and
// holds callers to small write budgets.
func corsEnv(t *testing.T) *env {
	t.Helper()
	origins, err := httpapi.ParseOrigins(" http://LOCALHOST:3000/ ,https://shop.example.in")
	fatalIf(t, err)
	return openEnv(t, storetest.Kinds[0], envOptions{configure: func(c *httpapi.Config) {
		c.CORSOrigins = origins
		c.Limits = &httpapi.Limits{Write: perHour("write", 1)}
	}})
}

// corsDo sends a request with header, as a browser would from a page of
// another origin; the preflight and the answers' CORS headers are not API
// operations, so they are not checked against the document.
func corsDo(t *testing.T, e *env, method, path string, header map[string]string, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, e.url+path, strings.NewReader(body))
	fatalIf(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	fatalIf(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func wantHeaders(t *testing.T, what string, res *http.Response, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got := res.Header.Get(k); got != v {
			t.Errorf("%s: %s %q, want %q", what, k, got, v)
		}
	}
}

// TestCORS: a page of an allowed origin is answered its preflight, may send
// its bearer token, and may read the budget, retry and request id headers;
// another origin's preflight is refused and its answers carry no CORS
// headers, so its browser keeps them from the page.
func TestCORS(t *testing.T) {
	t.Parallel()
	e := corsEnv(t)

	res := corsDo(t, e, "OPTIONS", "/v1/orders", map[string]string{"Origin": appOrigin,
		"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization, content-type, idempotency-key"}, "")
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("preflight: %d, want 204", res.StatusCode)
	}
	wantHeaders(t, "preflight", res, map[string]string{
		"Access-Control-Allow-Origin":      appOrigin,
		"Access-Control-Allow-Methods":     "GET, HEAD, POST, PUT, PATCH, DELETE",
		"Access-Control-Allow-Headers":     "Authorization, Content-Type, Idempotency-Key, Last-Event-ID, X-Request-Id",
		"Access-Control-Allow-Credentials": "", // bearer tokens, no cookies
		"Access-Control-Max-Age":           "600",
	})
	if v := strings.Join(res.Header.Values("Vary"), ", "); !strings.Contains(v, "Origin") || !strings.Contains(v, "Access-Control-Request-Headers") {
		t.Errorf("preflight: Vary %q", v)
	}

	exposed := map[string]string{"Access-Control-Allow-Origin": appOrigin,
		"Access-Control-Expose-Headers": "RateLimit, RateLimit-Policy, Retry-After, Location, X-Request-Id"}
	body := `{"name":"product/viewed","data":{"productId":"apple"}}`
	res = corsDo(t, e, "POST", "/v1/events", map[string]string{"Origin": appOrigin,
		"Authorization": "Bearer " + tokens["alice"], "Content-Type": "application/json"}, body)
	if res.StatusCode != 200 {
		t.Fatalf("POST /v1/events from %s: %d", appOrigin, res.StatusCode)
	}
	wantHeaders(t, "a write", res, exposed)
	if res.Header.Get("RateLimit") == "" || res.Header.Get("X-Request-Id") == "" {
		t.Errorf("a write: RateLimit %q, X-Request-Id %q", res.Header.Get("RateLimit"), res.Header.Get("X-Request-Id"))
	}
	// Over the budget: the 429 is readable too, Retry-After and all.
	res = corsDo(t, e, "POST", "/v1/events", map[string]string{"Origin": "https://shop.example.in",
		"Authorization": "Bearer " + tokens["alice"], "Content-Type": "application/json"}, body)
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("the second write: %d, Retry-After %q; want 429 with one", res.StatusCode, res.Header.Get("Retry-After"))
	}
	wantHeaders(t, "a 429", res, map[string]string{"Access-Control-Allow-Origin": "https://shop.example.in"})
	// A stream is a cross-origin GET like any other.
	res = corsDo(t, e, "GET", "/v1/live?topics=product:nope", map[string]string{"Origin": appOrigin}, "")
	wantHeaders(t, "a refused stream", res, exposed)

	for _, origin := range []string{"http://localhost:3001", "https://localhost:3000", "null"} {
		res = corsDo(t, e, "OPTIONS", "/v1/products", map[string]string{"Origin": origin, "Access-Control-Request-Method": "POST"}, "")
		if res.StatusCode != http.StatusForbidden || res.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight from %s: %d, Allow-Origin %q; want 403 without", origin, res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
		}
		res = corsDo(t, e, "GET", "/v1/products/apple", map[string]string{"Origin": origin}, "")
		if res.StatusCode != 200 || res.Header.Get("Access-Control-Allow-Origin") != "" || res.Header.Get("Access-Control-Expose-Headers") != "" {
			t.Errorf("GET from %s: %d with CORS headers %v", origin, res.StatusCode, res.Header)
		}
	}
}

// TestCORSOff: without origins, the server speaks no CORS: a preflight is a
// request like any other (405, OPTIONS being no route's method).
func TestCORSOff(t *testing.T) {
	t.Parallel()
	e := newEnv(t, storetest.Kinds[0])
	res := corsDo(t, e, "OPTIONS", "/v1/products", map[string]string{"Origin": appOrigin, "Access-Control-Request-Method": "POST"}, "")
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight: %d, Allow-Origin %q; want 405 without", res.StatusCode, res.Header.Get("Access-Control-Allow-Origin"))
	}
	res = corsDo(t, e, "GET", "/v1/products/apple", map[string]string{"Origin": appOrigin}, "")
	if res.Header.Get("Access-Control-Allow-Origin") != "" || res.Header.Get("X-Request-Id") == "" {
		t.Errorf("GET: Allow-Origin %q, X-Request-Id %q", res.Header.Get("Access-Control-Allow-Origin"), res.Header.Get("X-Request-Id"))
	}
}

// TestParseOrigins: origins as browsers send them; anything else is named.
func TestParseOrigins(t *testing.T) {
	t.Parallel()
	got, err := httpapi.ParseOrigins("http://localhost:3000, https://Shop.Example.in/,")
	if err != nil || strings.Join(got, " ") != "http://localhost:3000 https://shop.example.in" {
		t.Errorf("ParseOrigins: %v, %v", got, err)
	}
	for _, bad := range []string{"*", "localhost:3000", "http://localhost:3000/app", "ftp://x", "http://u@x", "http://x?a=1"} {
		if _, err := httpapi.ParseOrigins(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseOrigins(%q): %v, want an error naming it", bad, err)
		}
	}
}

package apidocs_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla/apidocs"
	"github.com/mohallamart/mohalla/browsertest"
	"github.com/mohallamart/mohalla/httpapi"
)

// newSite serves the reference beside the document it renders, as a node does.
func newSite(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("GET /docs/", apidocs.Handler())
	doc := httpapi.Document()
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(doc)
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestServes checks the page and its script, and that nothing else is served.
func TestServes(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, c := range []struct {
		path, contentType, contains string
		status                      int
	}{
		{"/docs/", "text/html; charset=utf-8", `spec-url="/openapi.json"`, 200},
		{"/docs/redoc.standalone.js", "text/javascript; charset=utf-8", "Redoc", 200},
		{"/docs/other", "text/plain; charset=utf-8", "404", 404},
	} {
		resp, body := get(t, s.URL+c.path)
		if resp.StatusCode != c.status || resp.Header.Get("Content-Type") != c.contentType || !strings.Contains(body, c.contains) {
			t.Errorf("GET %s: %d %s, body has %q: %v; want %d %s", c.path, resp.StatusCode,
				resp.Header.Get("Content-Type"), c.contains, strings.Contains(body, c.contains), c.status, c.contentType)
		}
	}
}

// TestRendersInBrowser opens the reference in headless Chromium and sees the
// API's description, areas and operations rendered from the document.
func TestRendersInBrowser(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	page := browsertest.New(t)
	if err := chromedp.Do(page, chromedp.Navigate(s.URL+"/docs/")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitFor(t, page, "the rendered reference", `(t => t.includes("MohallaMart API") &&
		t.includes("Place an order, reserving its stock") && t.includes("Live queries"))(document.body.innerText)`)
}

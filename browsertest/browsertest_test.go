package browsertest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla/browsertest"
)

// TestNew loads a page in the browser and reads what its script did.
func TestNew(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>t</title><p id="p"></p><script>document.getElementById("p").textContent = 6 * 7;</script>`))
	}))
	defer srv.Close()
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("p")))
	if err != nil {
		t.Fatal(err)
	}
	if got != "42" {
		t.Fatalf("the page shows %q, want 42", got)
	}
}

// Poll reads the page the tab shows, navigation after navigation, and
// returns a value as chromedp.Evaluate would: decoded, or raw JSON into a
// []byte.
func TestPollAfterNavigations(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><title>t</title><script>setTimeout(() => { window.result = {page: location.pathname, n: 7}; }, 100);</script>`))
	}))
	defer srv.Close()
	tab := browsertest.New(t)
	for _, path := range []string{"/a", "/b", "/c"} {
		if err := chromedp.Do(tab, chromedp.Navigate(srv.URL+path)); err != nil {
			t.Fatal(err)
		}
		got, err := browsertest.Poll[struct{ Page string }](tab, `window.result`)
		if err != nil || got.Page != path {
			t.Fatalf("on %s Poll read %+v, %v", path, got, err)
		}
	}
	raw, err := browsertest.Poll[[]byte](tab, `window.result`)
	if err != nil || string(raw) != `{"page":"/c","n":7}` {
		t.Errorf("as []byte Poll read %s, %v; want the raw JSON", raw, err)
	}
	if _, err := browsertest.Poll[int](tab, `window.nothing.here`); err == nil {
		t.Error("a script that throws: Poll returned no error")
	}
}

package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla/browsertest"
	"github.com/mohallamart/mohalla/node/nodetest"
	"github.com/mohallamart/mohalla/web"
)

// testPage has two inline styles, which its policy allows by their hashes, a
// style attribute and an inline script, which it must not, and a script file.
const testPage = `<!doctype html>
<html><head><meta charset="utf-8"><style>
  body { color: rgb(1, 2, 3); }
</style><style>p { margin-left: 7px; }</style></head>
<body><p id="p">styled</p><span id="s" style="margin-left: 9px">attribute</span>
<script>window.inlineRan = true;</script>
<script src="app.js"></script>
</body></html>
`

// TestPolicyInChromium: the policy is what a browser enforces: the page's
// own <style> blocks and script file apply, an inline script and a style
// attribute do not.
func TestPolicyInChromium(t *testing.T) {
	t.Parallel()
	blank := &fstest.MapFile{Data: []byte("<!doctype html><title>blank</title>")}
	mux := http.NewServeMux()
	web.RegisterFS(mux, fstest.MapFS{"landing/index.html": blank, "shop/index.html": blank, "dashboard/index.html": blank,
		"storefront/index.html": {Data: []byte(testPage)}, "storefront/app.js": {Data: []byte(`window.fileRan = true;`)}})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	page := browsertest.New(t)
	if err := chromedp.Do(page, chromedp.Navigate(srv.URL+"/storefront/")); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitFor(t, page, "the script file to run", `window.fileRan === true`)
	got, err := chromedp.Run(page, chromedp.Evaluate[[]string](`[String(window.inlineRan),
		getComputedStyle(document.body).color,
		getComputedStyle(document.getElementById("p")).marginLeft,
		getComputedStyle(document.getElementById("s")).marginLeft]`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"undefined", "rgb(1, 2, 3)", "7px", "0px"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("inline script ran, body color, <style> margin, style attribute margin = %q; want %q", got, want)
	}
}

var (
	inlineScript  = regexp.MustCompile(`(?i)<script(\s[^>]*)?>`)
	scriptSrc     = regexp.MustCompile(`(?i)\ssrc=`)
	inlineHandler = regexp.MustCompile(`(?i)<[^>]+\son[a-z]+\s*=`)
	javascriptURL = regexp.MustCompile(`(?i)javascript:`)
)

// TestNodePagesSendTheirHeaders: each HTML page a node serves (River's UI
// aside, which is River's) sends the policy and the other headers, and has
// no inline script for the policy to refuse; their script files are served
// as scripts.
func TestNodePagesSendTheirHeaders(t *testing.T) {
	t.Parallel()
	_, srv := nodetest.Serve(t)
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %s", path, resp.Status)
		}
		return resp, string(b)
	}
	for _, path := range []string{"/", "/storefront/", "/shop/", "/dashboard/", "/v1/live/example.html"} {
		resp, html := get(path)
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-") {
			t.Errorf("%s: Content-Security-Policy %q allows something unsafe", path, csp)
		}
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
			"Content-Type": "text/html; charset=utf-8"} {
			if got := resp.Header.Get(h); got != want {
				t.Errorf("%s: %s = %q; want %q", path, h, got, want)
			}
		}
		for _, tag := range inlineScript.FindAllString(html, -1) {
			if !scriptSrc.MatchString(tag) {
				t.Errorf("%s has an inline script: %s", path, tag)
			}
		}
		if m := inlineHandler.FindString(html); m != "" {
			t.Errorf("%s has an inline event handler: %s", path, m)
		}
		if m := javascriptURL.FindString(html); m != "" {
			t.Errorf("%s has a javascript: URL", path)
		}
	}
	for _, path := range []string{"/storefront/storefront.js", "/dashboard/dashboard.js", "/v1/live/example.js", "/v1/live/client.js"} {
		resp, _ := get(path)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: Content-Type %q, nosniff %q", path, ct, resp.Header.Get("X-Content-Type-Options"))
		}
	}
	if resp, _ := get("/common/site.css"); resp.Header.Get("Content-Type") != "text/css; charset=utf-8" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("/common/site.css: Content-Type %q, nosniff %q", resp.Header.Get("Content-Type"), resp.Header.Get("X-Content-Type-Options"))
	}
	for _, path := range []string{"/storefront/other.js", "/dashboard/x", "/common/none.css", "/landing/index.html.bak"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %s; want 404", path, resp.Status)
		}
	}
}

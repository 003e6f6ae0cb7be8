package jsclienttest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mohallamart/mohalla/browsertest"
)

// testProductPage opens the React example (examples/product, bundled in
// example) in headless Chromium, its API a real server on SQLite, and checks
// that useProduct shows a product's stock and then a change to it.
func testProductPage(t *testing.T, bin, example string) {
	api, data := serve(t, bin)
	// The page and the API share one origin, as the README's Next.js rewrites
	// arrange; the proxy streams the live events as they come.
	proxy := httputil.NewSingleHostReverseProxy(api)
	proxy.FlushInterval = -1
	mux := http.NewServeMux()
	mux.Handle("/example/", http.StripPrefix("/example/", http.FileServer(http.Dir(example))))
	mux.Handle("/", proxy)
	site := httptest.NewServer(mux)
	t.Cleanup(site.Close)

	const id = "demo-product-00003"
	admin := token(t, bin, data, "ts-admin", "admin")
	before := stock(t, site.URL, admin, id, "GET", "")
	page := browsertest.New(t)
	if err := chromedp.Do(page, chromedp.Navigate(site.URL+"/example/?product="+id)); err != nil {
		t.Fatal(err)
	}
	browsertest.WaitFor(t, page, "the product's stock", fmt.Sprintf(
		`document.querySelector("#stock")?.textContent === "%d" && document.querySelector("#status").textContent === "open"`, before))
	after := stock(t, site.URL, admin, id, "POST", `{"delta": 7}`)
	if after != before+7 {
		t.Fatalf("stock %d after adding 7 to %d", after, before)
	}
	browsertest.WaitFor(t, page, "the stock change", fmt.Sprintf(`document.querySelector("#stock").textContent === "%d"`, after))
}

// stock gets a product's stock, or changes it with body (POST), through the API at base.
func stock(t *testing.T, base, token, id, method, body string) int {
	t.Helper()
	u := base + "/v1/products/" + id
	if method == "POST" {
		u += "/stock"
	}
	req, err := http.NewRequestWithContext(t.Context(), method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var p struct{ Stock int }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(b, &p) != nil {
		t.Fatalf("%s %s: %d %s", method, u, resp.StatusCode, b)
	}
	return p.Stock
}

var servingOn = regexp.MustCompile(`mohalla serving on (\S+)`)

// serve seeds a small demo neighbourhood on SQLite in a temporary directory
// and serves it on a loopback port until t ends. It returns the server's URL
// and its data directory.
func serve(t *testing.T, bin string) (*url.URL, string) {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	if out, err := exec.CommandContext(t.Context(), bin, "seed", "--demo", "--scale", "20", "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if m := servingOn.FindStringSubmatch(sc.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			u, err := url.Parse(m[1])
			if err != nil {
				t.Fatal(err)
			}
			u.Path = ""
			return u, data
		}
	}
	_ = cmd.Wait()
	t.Fatalf("mohalla serve ended before serving: %s", logs.String())
	return nil, ""
}

// token returns a JWT for sub in role, signed with the secret kept in data.
func token(t *testing.T, bin, data, sub, role string) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), bin, "token", "--sub", sub, "--role", role, "--data", data).Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	return strings.TrimSpace(string(out))
}

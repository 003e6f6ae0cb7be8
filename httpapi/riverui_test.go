package httpapi_test

import (
	"cmp"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mohallamart/mohalla/store/storetest"
)

// TestRiverUI serves River's own UI on both stores: admins only, signing in by
// the token query parameter, which becomes a cookie, or by the Authorization
// header; the UI's API shows the engine's jobs.
func TestRiverUI(t *testing.T) {
	t.Parallel()
	cookie := func(name string) map[string]string {
		return map[string]string{"Cookie": "mohalla_riverui=" + tokens[name]}
	}
	bearer := func(name string) map[string]string {
		return map[string]string{"Authorization": "Bearer " + tokens[name]}
	}
	cases := []struct {
		name, method, path string
		header             map[string]string
		status             int
		contains           []string
		wantHeader         map[string]string
	}{
		{name: "no token is 401 saying how to sign in", path: "/riverui/", status: 401,
			contains: []string{`"status":401`, "/riverui/?token="}, wantHeader: map[string]string{"Content-Type": "application/problem+json"}},
		{name: "a bad token is 401", path: "/riverui/?token=garbage", status: 401, contains: []string{"invalid token"}},
		{name: "a customer's token is 403", path: "/riverui/?token=" + tokens["alice"], status: 403, contains: []string{`"code":"forbidden"`}},
		{name: "a service's token is 403", path: "/riverui/?token=" + tokens["service"], status: 403},
		{name: "a shop owner's header is 403", path: "/riverui/api/jobs", header: bearer("olga"), status: 403},
		{name: "a customer's cookie cannot cancel jobs", method: "POST", path: "/riverui/api/jobs/cancel", header: cookie("bob"),
			status: 403},
		{name: "an admin's token becomes a cookie and leaves the address", path: "/riverui/jobs?state=completed&token=" + tokens["admin"],
			status: 303, wantHeader: map[string]string{"Location": "/riverui/jobs?state=completed",
				"Set-Cookie": "mohalla_riverui=" + tokens["admin"] + "; Path=/riverui/; HttpOnly; SameSite=Strict"}},
		{name: "the prefix without its slash keeps the token through the redirect", path: "/riverui?token=abc",
			status: 307, wantHeader: map[string]string{"Location": "/riverui/?token=abc"}},
		{name: "the cookie opens the UI", path: "/riverui/", header: cookie("admin"), status: 200,
			contains: []string{"<title>River</title>", `"/riverui/api"`}, wantHeader: map[string]string{"Content-Type": "text/html; charset=utf-8"}},
		{name: "the UI's API lists the engine's completed jobs", path: "/riverui/api/jobs?state=completed", header: cookie("admin"),
			status: 200, contains: []string{`"kind":"mohalla_run"`}},
		{name: "the UI's API lists the queue", path: "/riverui/api/queues", header: cookie("admin"), status: 200,
			contains: []string{`"name":"default"`}},
		{name: "an admin's header opens the API", path: "/riverui/api/states", header: bearer("admin"), status: 200,
			contains: []string{`"completed"`}},
		{name: "a bad cookie is 401 and cleared", path: "/riverui/", header: map[string]string{"Cookie": "mohalla_riverui=garbage"},
			status: 401, wantHeader: map[string]string{"Set-Cookie": "mohalla_riverui=; Path=/riverui/; Max-Age=0; HttpOnly; SameSite=Strict"}},
	}
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEngineEnv(t, kind, testFunctions(&greetings{n: map[string]int{}})...)
			e.waitRuns(t, "function=greet-user&status=completed", 4)
			// River records a job's completion a moment after the run's.
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				_, body := rawDo(t, "GET", e.url+"/riverui/api/jobs?state=completed", bearer("admin"))
				if strings.Count(body, `"kind":"mohalla_run"`) == 4 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("River's UI does not list the 4 completed jobs: %s", clip(body))
				}
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					res, body := rawDo(t, cmp.Or(c.method, "GET"), e.url+c.path, c.header)
					if res.StatusCode != c.status {
						t.Fatalf("%s: status %d, want %d; body: %s", c.path, res.StatusCode, c.status, clip(body))
					}
					for _, s := range c.contains {
						if !strings.Contains(body, s) {
							t.Errorf("body lacks %s; body: %s", s, clip(body))
						}
					}
					for k, v := range c.wantHeader {
						if got := res.Header.Get(k); got != v {
							t.Errorf("header %s = %q, want %q", k, got, v)
						}
					}
				})
			}
		})
	}
	t.Run("not mounted without an engine", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, "sqlite")
		e.run(t, scenario{method: "GET", path: "/riverui/?token=" + tokens["admin"], status: 404, contains: []string{`"status":404`}})
	})
}

// rawDo sends a request outside the API, which the OpenAPI document does not
// describe, and follows no redirect.
func rawDo(t *testing.T, method, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	fatalIf(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := noRedirects.Do(req)
	fatalIf(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	fatalIf(t, err)
	return res, string(b)
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// Package dashboard is the operator's page a node serves at /dashboard/: the
// sync monitor's health, the registered functions, their runs and steps (with
// re-run and cancel), the latest events, and the node's metrics, read through
// the same HTTP API an admin's tools would use.
package dashboard

import (
	"embed"
	"net/http"
)

//go:embed web/index.html
var web embed.FS

var page = must(web.ReadFile("web/index.html"))

// Handler serves the page at GET /dashboard/.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/dashboard/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Referrer-Policy", "no-referrer") // the URL may carry a token
		_, _ = w.Write(page)
	})
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

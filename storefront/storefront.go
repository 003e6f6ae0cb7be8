// Package storefront is the shopper's page a node serves at /storefront/: it
// searches products, shows their stock live, and places orders, through the
// same HTTP API and live queries any app would use. It doubles as an example
// of building on them.
package storefront

import (
	"embed"
	"net/http"
)

//go:embed web/index.html
var web embed.FS

var page = must(web.ReadFile("web/index.html"))

// Handler serves the page at GET /storefront/.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/storefront/" {
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

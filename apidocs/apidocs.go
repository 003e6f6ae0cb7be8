// Package apidocs is the API reference a node serves at /docs/: its OpenAPI
// document (/openapi.json) rendered by Redoc's standalone bundle, embedded in
// the binary so the page works offline. The bundle is redoc 2.5.4 from npm
// (MIT; web/LICENSE-redoc), which sends no telemetry, unlike redoc 3; refresh
// it with clients/js's npm run vendor:redoc.
package apidocs

import (
	"embed"
	"net/http"
	"strings"

	"github.com/mohallamart/mohalla/web"
)

//go:embed web/index.html web/redoc.standalone.js
var files embed.FS

var (
	page   = must(files.ReadFile("web/index.html"))
	bundle = must(files.ReadFile("web/redoc.standalone.js"))
)

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// policy is the page's Content-Security-Policy: web's, but with the
// inline styles Redoc's components set and the search worker it starts from a
// blob. The page carries no token and runs only the node's own script.
var policy = strings.Join([]string{
	"default-src 'none'",
	"script-src 'self'",
	"worker-src 'self' blob:",
	"style-src 'self' 'unsafe-inline'",
	"img-src 'self' data:",
	"font-src 'self' data:",
	"connect-src 'self'",
	"base-uri 'none'",
	"form-action 'self'",
	"frame-ancestors 'none'",
}, "; ")

// Handler serves the reference at GET /docs/ and its script at
// /docs/redoc.standalone.js; mount it at "GET /docs/".
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /docs/{$}", func(w http.ResponseWriter, _ *http.Request) {
		web.SetHeaders(w.Header(), policy)
		_, _ = w.Write(page)
	})
	mux.HandleFunc("GET /docs/redoc.standalone.js", func(w http.ResponseWriter, _ *http.Request) {
		web.SetScriptHeaders(w.Header())
		w.Header().Set("Cache-Control", "public, max-age=86400") // 1 MB that changes only with the binary
		_, _ = w.Write(bundle)
	})
	return mux
}

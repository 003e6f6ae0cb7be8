// Package apidocs is the API reference a node serves at /docs/: its OpenAPI
// document (/openapi.json) rendered by Redoc's standalone bundle, embedded in
// the binary so the page works offline. The bundle is redoc 2.5.4 from npm
// (MIT; web/LICENSE-redoc), which sends no telemetry, unlike redoc 3; refresh
// it with clients/js's npm run vendor:redoc.
package apidocs

import (
	"embed"
	"net/http"

	"github.com/mohallamart/mohalla/httpapi"
)

//go:embed web/index.html web/redoc.standalone.js
var web embed.FS

var (
	page   = must(web.ReadFile("web/index.html"))
	bundle = must(web.ReadFile("web/redoc.standalone.js"))
)

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// Handler serves the reference at GET /docs/ and its script at
// /docs/redoc.standalone.js; mount it at "GET /docs/". GET /docs redirects
// to /docs/.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /docs/{$}", httpapi.Page("/docs/", page))
	mux.HandleFunc("GET /docs/redoc.standalone.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		_, _ = w.Write(bundle)
	})
	return mux
}

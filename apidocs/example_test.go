package apidocs_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/mohallamart/mohalla/apidocs"
	"github.com/mohallamart/mohalla/httpapi"
)

// The API reference mounted as a node mounts it, beside the OpenAPI document
// it renders: the page names the document, its script is the embedded Redoc
// bundle (no network needed), and nothing else under /docs/ is served.
func Example() {
	mux := http.NewServeMux()
	mux.Handle("GET /docs/", apidocs.Handler())
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(httpapi.Document())
	})

	for _, c := range []struct{ path, has string }{
		{"/docs/", `spec-url="/openapi.json"`}, // the page renders the node's document
		{"/docs/redoc.standalone.js", "Redoc"},
		{"/docs/other", "404"},
		{"/openapi.json", `"openapi"`},
	} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", c.path, nil))
		fmt.Println(c.path, w.Code, w.Header().Get("Content-Type"), strings.Contains(w.Body.String(), c.has))
	}
	// Output:
	// /docs/ 200 text/html; charset=utf-8 true
	// /docs/redoc.standalone.js 200 text/javascript; charset=utf-8 true
	// /docs/other 404 text/plain; charset=utf-8 true
	// /openapi.json 200 application/json true
}

package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/mohallamart/mohalla/web"
)

// Register serves the pages on a mux; each is sent as HTML with its headers,
// a content security policy among them.
func ExampleRegister() {
	mux := http.NewServeMux()
	web.Register(mux)
	for _, path := range []string{"/", "/storefront/", "/dashboard/"} {
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		fmt.Println(path, w.Code, w.Header().Get("Content-Type"), w.Header().Get("Content-Security-Policy") != "")
	}
	// Output:
	// / 200 text/html; charset=utf-8 true
	// /storefront/ 200 text/html; charset=utf-8 true
	// /dashboard/ 200 text/html; charset=utf-8 true
}

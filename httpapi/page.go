package httpapi

import "net/http"

// Page serves html, a page of the node's own, at exactly path: never cached,
// so a new version shows at once, and sending no referrer, since its address
// may carry a token.
func Page(path string, html []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Referrer-Policy", "no-referrer")
		_, _ = w.Write(html)
	})
}

// Package web is every page a node serves to people, from the binary: the
// landing page at /, the customers' storefront at /storefront/, the shop
// owners' console at /shop/ and the operators' dashboard at /dashboard/. Each
// page is plain HTML, CSS and JavaScript in a directory of its own (web/<page>/),
// with what they share in web/common/ (served at /common/); there is no build
// step. The pages use the same HTTP API and live queries any app would, and
// every one is sent with the headers in headers.go.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed landing storefront shop dashboard common
var files embed.FS

// Pages maps each page's address to its directory in the package.
var Pages = map[string]string{
	"/":            "landing",
	"/storefront/": "storefront",
	"/shop/":       "shop",
	"/dashboard/":  "dashboard",
}

// Register adds every page to mux: each page's index.html at its address
// (exactly), the page's other files below it (/storefront/storefront.js), the
// landing page's at /landing/ and the shared files at /common/. Anything else
// under a page's address is 404.
func Register(mux *http.ServeMux) {
	register(mux, files)
}

// register serves the pages of fsys, which holds Pages' directories and
// common; a page missing from fsys panics, as it is a fault of the build.
func register(mux *http.ServeMux, fsys fs.FS) {
	for addr, dir := range Pages {
		html, err := fs.ReadFile(fsys, dir+"/index.html")
		if err != nil {
			panic("web: " + err.Error())
		}
		csp := Policy(html)
		mux.HandleFunc("GET "+addr+"{$}", func(w http.ResponseWriter, _ *http.Request) {
			SetHeaders(w.Header(), csp)
			_, _ = w.Write(html)
		})
		mux.Handle("GET /"+dir+"/{file}", fileHandler(fsys, dir))
	}
	mux.Handle("GET /common/{file}", fileHandler(fsys, "common"))
}

// types are the files a page may have besides its HTML, by extension.
var types = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".svg": "image/svg+xml",
	".png": "image/png",
}

// fileHandler serves the files of dir other than its index.html, which has
// its page's address.
func fileHandler(fsys fs.FS, dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		ct, ok := types[path.Ext(name)]
		if !ok || strings.HasPrefix(name, ".") {
			http.NotFound(w, r)
			return
		}
		b, err := fs.ReadFile(fsys, dir+"/"+name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if ct == types[".js"] {
			SetScriptHeaders(w.Header())
		} else {
			SetFileHeaders(w.Header(), ct)
		}
		_, _ = w.Write(b)
	})
}
